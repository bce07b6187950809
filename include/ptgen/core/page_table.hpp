// ptgen/core/page_table.hpp: the generic page table (the seed's PageTable64), owner of a root
// table and of every table below it that its memory policy allocated.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "cpu_sharing.hpp"
#include "engine.hpp"
#include "format.hpp"
#include "mappings.hpp"
#include "memory.hpp"
#include "range_rules.hpp"
#include "result.hpp"
#include "tlb_policy.hpp"
// The one include from core/ up to tlb/: the default policy (each architecture's own in a
// freestanding build for it) must be the same in every translation unit.
#include "../tlb/native.hpp"

namespace ptgen {

template <class PageTable>
class cursor;

// (root_half, the half of the address space a root serves: core/range_rules.hpp)

// Cpus: one_cpu (the default: one CPU at a time loads the table) or many_cpus (several at
// once: the TLB policy must reach them all and the memory policy needs a grace hook; see
// core/cpu_sharing.hpp).
template <page_table_format F, class Memory, class Tlb = native_tlb<F>, class Cpus = one_cpu>
    requires table_memory<Memory, typename F::entry_type> && tlb_policy<Tlb> && cpu_sharing<Cpus>
class page_table {
    static_assert(cpu_sharing_rules<Memory, Tlb, Cpus>::checked);

public:
    using format = F;
    using memory_type = Memory;
    using tlb_type = Tlb;
    using cpus = Cpus;
    using entry = typename F::entry_type;
    using engine_type = ::ptgen::engine<F, Memory>;
    using const_engine_type = ::ptgen::engine<F, const Memory>;
    static constexpr std::size_t root_entries = F::levels[0].entries();
    static constexpr std::uint64_t root_span = F::levels[0].span();

    // The seed's try_new: allocates a zeroed root table.
    static constexpr result<page_table> create(Memory memory = Memory{}, Tlb tlb = Tlb{},
                                               root_half half = root_half::both) {
        auto root = memory.allocate_table(F::levels[0]);
        if (!root) return fail(root.err());
        if (!geometry_of<F>::pa_valid(*root)) {  // a root the register cannot hold
            memory.free_table(*root, F::levels[0]);
            return fail(error::no_memory);
        }
        return page_table(std::move(memory), std::move(tlb), *root, half);
    }

    // Takes over an existing tree whose root is at `root` (boot tables built by the compiler,
    // for instance). Tables the memory policy does not own are never freed.
    static constexpr page_table adopt(paddr root, Memory memory = Memory{}, Tlb tlb = Tlb{},
                                      root_half half = root_half::both) {
        return page_table(std::move(memory), std::move(tlb), root, half);
    }

    constexpr page_table(page_table&& o) noexcept
        : memory_(std::move(o.memory_)),
          tlb_(std::move(o.tlb_)),
          root_(o.root_),
          borrowed_(o.borrowed_),
          half_(o.half_),
          any_borrowed_(o.any_borrowed_),
          leaf_memo_(o.leaf_memo_),
          live_(std::exchange(o.live_, false)) {}  // (cursor_lock_: a new one, not held)
    page_table(const page_table&) = delete;
    page_table& operator=(const page_table&) = delete;
    page_table& operator=(page_table&&) = delete;

    // Frees what the memory policy owns. An owned root goes with its whole tree (it must not
    // be loaded in any CPU any more). Below a root it does not own (boot::adopt), the tables it
    // owns are unlinked from the boot tables, the TLB is flushed, then they are freed; no other
    // entry of a table it does not own is written, so the boot mappings stay as they are.
    constexpr ~page_table() {
        if (!live_) return;
        auto borrowed_entry = [this](std::size_t i) { return borrowed(i); };
        if (memory_.owns(root_)) {
            engine_type(memory_, root_).free_subtrees(borrowed_entry);
            memory_.free_table(root_, F::levels[0]);
        } else {
            ptgen::cursor<page_table>(*this).detach_owned(borrowed_entry);
        }
    }

    // Gives the tables up for good (tables handed to the hardware for the kernel's lifetime):
    // the destructor then frees and writes nothing. Returns the root.
    constexpr paddr release() noexcept {
        live_ = false;
        return root_;
    }

    constexpr paddr root_paddr() const noexcept { return root_; }

    constexpr root_half half() const noexcept { return half_; }

    constexpr result<translation> query(vaddr va) const {
        if (F::va_valid(va) && !serves(va)) return fail(error::out_of_range);
        if constexpr (Cpus::shared) return const_engine_type(memory_, root_).query_concurrent(va);
        else return const_engine_type(memory_, root_).query(va);
    }

    // visit(mapping) for each leaf in [va, va + size), in address order, each clipped to the
    // range (merge_mappings::yes: neighbours that continue one another reported as one). A
    // visitor that returns bool stops the walk by returning false.
    template <class Visit>
    constexpr status for_each_mapping(vaddr va, std::uint64_t size, Visit&& visit,
                                      merge_mappings merge = merge_mappings::no) const {
        if (size == 0) return {};
        if (!range_rules<F>::va_range_valid(va, va + (size - 1)) || !serves(va) || !serves(va + (size - 1)))
            return fail(error::out_of_range);
        const auto eng = engine();
        mapping_walk<F, const_engine_type>(eng, root_).each(va, size, visit, merge);
        return {};
    }

    // The first mapping at or after va, up to the end of va's half of the address space
    // (starting at va if a leaf maps it); not_mapped if there is none.
    constexpr result<mapping> find_next_mapped(vaddr va) const {
        if (!F::va_valid(va) || !serves(va)) return fail(error::out_of_range);
        mapping found{};
        bool any = false;
        auto first = [&](const mapping& m) {
            found = m;
            any = true;
            return false;
        };
        const auto eng = engine();
        const vaddr end = last_of_half<F>(va);
        mapping_walk<F, const_engine_type>(eng, root_).each(va, end - va + 1, first, merge_mappings::no);
        if (!any) return fail(error::not_mapped);
        return found;
    }

    // Calls pre(e) before and post(e) after visiting the subtree of each present entry
    // (e is a walk_entry: level, index, va, raw, kind); at most `limit` entries per table.
    template <class Pre, class Post>
    constexpr void walk(std::size_t limit, Pre&& pre, Post&& post) const {
        const_engine_type(memory_, root_).walk(
            limit, pre, post, half_ == root_half::high ? geometry_of<F>::high_half_base : 0);
    }
    template <class Pre>
    constexpr void walk(std::size_t limit, Pre&& pre) const {
        walk(limit, pre, [](const auto&) {});
    }

    // A cursor batches changes and their TLB flushes; it flushes when it is destroyed.
    constexpr ptgen::cursor<page_table> cursor() { return ptgen::cursor<page_table>(*this); }

    constexpr Memory& memory() noexcept { return memory_; }
    constexpr const Memory& memory() const noexcept { return memory_; }
    constexpr Tlb& tlb() noexcept { return tlb_; }
    // The lock each cursor holds (many_cpus_with_lock; an empty object otherwise): a kernel may
    // guard what its changes also touch (its frame allocator) with it, or set it up.
    constexpr cursor_lock_type<Cpus>& cursor_lock() const noexcept { return cursor_lock_; }
    // (The engine's mutations with a sink of your own bypass the cursors' leaf-table cache:
    // unlink no table that way while a cursor may run.)
    constexpr engine_type engine() noexcept { return engine_type(memory_, root_); }
    constexpr const_engine_type engine() const noexcept { return const_engine_type(memory_, root_); }

    // Was root entry i copied from another table by copy_from (and so not ours to change)?
    constexpr bool borrowed(std::size_t i) const noexcept {
        return (borrowed_[i / 64] >> (i % 64)) & 1;
    }
    // Is va in the half of the address space this root serves?
    constexpr bool serves(vaddr va) const noexcept {
        return range_rules<F>::serves(half_, va);
    }

    // The rules of this table (not of the format) a call's range [va, va + size) must obey,
    // checked first: inside the half this root serves (else out_of_range), and clear of root
    // entries borrowed by copy_from (else borrowed_range). A range the format itself refuses
    // (empty, wrapping, non-canonical) passes here: the engine names its error.
    constexpr status admits(vaddr va, std::uint64_t size) const noexcept {
        if (half_ == root_half::both && !any_borrowed_) return {};  // every call's case but two
        if (size == 0) return {};
        const vaddr last = va + (size - 1);
        if (!range_rules<F>::va_range_valid(va, last)) return {};
        if (!serves(va) || !serves(last)) return fail(error::out_of_range);
        if (touches_borrowed(va, size)) return fail(error::borrowed_range);
        return {};
    }

    // Does [va, va + size) (a range valid for the format) touch a borrowed root entry? After
    // root_entries steps every entry has been seen, so a huge size costs no more.
    constexpr bool touches_borrowed(vaddr va, std::uint64_t size) const noexcept {
        if (size == 0) return false;
        const auto& g = F::levels[0];
        const vaddr last = va + (size - 1);
        std::size_t steps = 0;
        for (vaddr v = va;; v = (v | (root_span - 1)) + 1) {
            if (borrowed(g.index_of(v))) return true;
            if ((v | (root_span - 1)) >= last || ++steps == root_entries) return false;
        }
    }

private:
    friend class ptgen::cursor<page_table>;

    constexpr page_table(Memory&& memory, Tlb&& tlb, paddr root, root_half half)
        : memory_(std::move(memory)), tlb_(std::move(tlb)), root_(root), half_(half) {}

    constexpr void set_borrowed(std::size_t i) noexcept {
        any_borrowed_ = true;
        borrowed_[i / 64] |= std::uint64_t{1} << (i % 64);
    }

    // The last-level table a cursor's last single-page call reached, shared by every cursor
    // of this table and forgotten at every retire (leaf_table_cache, core/sink.hpp).
    struct leaf_table_memo {
        vaddr tag = ~vaddr{0};  // no VA has this tag
        paddr table = 0;
    };

    Memory memory_;
    [[no_unique_address]] Tlb tlb_;
    paddr root_;
    std::array<std::uint64_t, (root_entries + 63) / 64> borrowed_{};
    root_half half_ = root_half::both;
    bool any_borrowed_ = false;
    leaf_table_memo leaf_memo_{};
    [[no_unique_address]] mutable cursor_lock_type<Cpus> cursor_lock_{};  // held by each cursor (many_cpus_with_lock)
    bool live_ = true;
};

}  // namespace ptgen

#include "cursor.hpp"
