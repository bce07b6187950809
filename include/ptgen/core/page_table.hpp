// ptgen/core/page_table.hpp: the generic page table (the seed's PageTable64), owner of a root
// table and of every table below it that its memory policy allocated.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "engine.hpp"
#include "format.hpp"
#include "memory.hpp"
#include "result.hpp"
#include "../tlb/no_tlb.hpp"

namespace ptgen {

template <class PageTable>
class cursor;

template <page_table_format F, class Memory, class Tlb = no_tlb>
    requires table_memory<Memory, typename F::entry_type>
class page_table {
public:
    using format = F;
    using memory_type = Memory;
    using tlb_type = Tlb;
    using entry = typename F::entry_type;
    using engine_type = ::ptgen::engine<F, Memory>;
    using const_engine_type = ::ptgen::engine<F, const Memory>;
    static constexpr std::size_t root_entries = F::levels[0].entries();
    static constexpr std::uint64_t root_span = F::levels[0].span();

    // The seed's try_new: allocates a zeroed root table.
    static constexpr result<page_table> create(Memory memory = Memory{}, Tlb tlb = Tlb{}) {
        auto root = memory.allocate_table(F::levels[0]);
        if (!root) return fail(root.err());
        if (!geometry_of<F>::pa_valid(*root)) {  // a root the register cannot hold
            memory.free_table(*root, F::levels[0]);
            return fail(error::no_memory);
        }
        return page_table(std::move(memory), std::move(tlb), *root);
    }

    // Takes over an existing tree whose root is at `root` (boot tables built by the compiler,
    // for instance). Tables the memory policy does not own are never freed.
    static constexpr page_table adopt(paddr root, Memory memory = Memory{}, Tlb tlb = Tlb{}) {
        return page_table(std::move(memory), std::move(tlb), root);
    }

    constexpr page_table(page_table&& o) noexcept
        : memory_(std::move(o.memory_)),
          tlb_(std::move(o.tlb_)),
          root_(o.root_),
          borrowed_(o.borrowed_),
          live_(std::exchange(o.live_, false)) {}
    page_table(const page_table&) = delete;
    page_table& operator=(const page_table&) = delete;
    page_table& operator=(page_table&&) = delete;

    constexpr ~page_table() {
        if (!live_) return;
        engine_type(memory_, root_).free_subtrees([this](std::size_t i) { return borrowed(i); });
        if (memory_.owns(root_)) memory_.free_table(root_, F::levels[0]);
    }

    constexpr paddr root_paddr() const noexcept { return root_; }

    constexpr result<translation> query(vaddr va) const {
        return const_engine_type(memory_, root_).query(va);
    }

    // Calls pre(e) before and post(e) after visiting the subtree of each present entry
    // (e is a walk_entry: level, index, va, raw, kind); at most `limit` entries per table.
    template <class Pre, class Post>
    constexpr void walk(std::size_t limit, Pre&& pre, Post&& post) const {
        const_engine_type(memory_, root_).walk(limit, pre, post);
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
    constexpr engine_type engine() noexcept { return engine_type(memory_, root_); }
    constexpr const_engine_type engine() const noexcept { return const_engine_type(memory_, root_); }

    // Was root entry i copied from another table by copy_from (and so not ours to change)?
    constexpr bool borrowed(std::size_t i) const noexcept {
        return (borrowed_[i / 64] >> (i % 64)) & 1;
    }
    // Does [va, va + size) touch a borrowed root entry? Called before the range is checked:
    // after root_entries steps every entry has been seen, so a huge size costs no more.
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

    constexpr page_table(Memory&& memory, Tlb&& tlb, paddr root)
        : memory_(std::move(memory)), tlb_(std::move(tlb)), root_(root) {}

    constexpr void set_borrowed(std::size_t i) noexcept {
        borrowed_[i / 64] |= std::uint64_t{1} << (i % 64);
    }

    Memory memory_;
    [[no_unique_address]] Tlb tlb_;
    paddr root_;
    std::array<std::uint64_t, (root_entries + 63) / 64> borrowed_{};
    bool live_ = true;
};

}  // namespace ptgen

#include "cursor.hpp"
