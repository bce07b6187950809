// ptgen/core/cursor.hpp: the mutating front of a page_table. It records what each change
// leaves for the TLB, flushes in batches (single addresses up to flush_batch, then a full
// flush), and frees unlinked tables only after the flush that makes them unreachable.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "cpu_sharing.hpp"
#include "engine.hpp"
#include "result.hpp"
#include "tlb_policy.hpp"

namespace ptgen {

template <class PageTable>
class cursor {
public:
    using format = typename PageTable::format;
    static constexpr std::size_t flush_batch = 32;  // addresses before a full flush
    static constexpr std::size_t retire_batch = cursor_retire_batch; // unlinked tables held until a flush
    static constexpr bool locks = !std::is_same_v<cursor_lock_type<typename PageTable::cpus>, no_cursor_lock>;

    // With many_cpus_with_lock the cursor holds the table's lock for its whole life.
    constexpr explicit cursor(PageTable& pt) noexcept : pt_(pt) {
        if constexpr (locks) pt_.cursor_lock_.lock();
    }
    cursor(const cursor&) = delete;
    cursor& operator=(const cursor&) = delete;
    constexpr ~cursor() {
        flush();
        if constexpr (locks) pt_.cursor_lock_.unlock();
    }

    // Maps one page of `size` (4 KiB, or a huge size of the format).
    constexpr status map(vaddr va, paddr pa, std::uint64_t size, flags f) {
        PTGEN_TRY(pt_.admits(va, size));
        return pt_.engine().map(va, pa, size, f, effects_);
    }
    // Re-points the whole page that maps va; returns its size.
    constexpr result<std::uint64_t> remap(vaddr va, paddr pa, flags f) {
        PTGEN_TRY(pt_.admits(va, 1));
        return pt_.engine().remap(va, pa, f, effects_);
    }
    // Changes the flags of the whole page that maps va; returns its size.
    constexpr result<std::uint64_t> protect(vaddr va, flags f) {
        PTGEN_TRY(pt_.admits(va, 1));
        return pt_.engine().protect(va, f, effects_);
    }
    // Unmaps the whole page that maps va; returns what it mapped.
    constexpr result<translation> unmap(vaddr va) {
        PTGEN_TRY(pt_.admits(va, 1));
        return pt_.engine().unmap(va, effects_);
    }
    // Unmaps exactly [va, va + size), splitting a larger page around it.
    constexpr status unmap(vaddr va, std::uint64_t size) { return unmap_region(va, size); }

    template <class GetPaddr>
    constexpr status map_region(vaddr va, GetPaddr&& get_paddr, std::uint64_t size, flags f,
                                bool allow_huge) {
        PTGEN_TRY(pt_.admits(va, size));
        return pt_.engine().map_region(va, get_paddr, size, f, allow_huge, effects_);
    }
    // map_region of a physically contiguous range: [va, va + size) -> [pa, pa + size).
    constexpr status map_linear(vaddr va, paddr pa, std::uint64_t size, flags f, bool allow_huge) {
        PTGEN_TRY(pt_.admits(va, size));
        return pt_.engine().map_linear(va, pa, size, f, allow_huge, effects_);
    }
    // (h = skip_holes: pages of the range that nothing maps are left alone instead of
    // failing the call.)
    constexpr status unmap_region(vaddr va, std::uint64_t size, holes h = holes::refuse) {
        PTGEN_TRY(pt_.admits(va, size));
        return pt_.engine().unmap_region(va, size, effects_, h);
    }
    constexpr status protect_region(vaddr va, std::uint64_t size, flags f, holes h = holes::refuse) {
        PTGEN_TRY(pt_.admits(va, size));
        return pt_.engine().protect_region(va, size, f, effects_, h);
    }

    // Replaces every table in [va, va + size) whose leaves make one huge page by that page
    // (engine_collapse.hpp); returns how many tables went. Allocates nothing.
    constexpr result<std::size_t> collapse(vaddr va, std::uint64_t size) {
        PTGEN_TRY(pt_.admits(va, size));
        return pt_.engine().collapse(va, size, effects_);
    }

    // Shares the root entries of `other` covering [start, start + size) (kernel half, for
    // instance). Both must be aligned to a root entry's span and the entries here empty. The
    // shared subtrees stay other's: this table never changes nor frees them.
    template <class Other>
    constexpr status copy_from(const Other& other, vaddr start, std::uint64_t size) {
        static_assert(std::is_same_v<typename Other::format, format>, "same format only");
        constexpr std::uint64_t span = PageTable::root_span;
        if (size == 0 || !is_aligned(start, span) || !is_aligned(size, span))
            return fail(error::not_aligned);
        const vaddr last = start + (size - 1);
        if (!range_rules<format>::va_range_valid(start, last) || !pt_.serves(start) || !pt_.serves(last))
            return fail(error::out_of_range);
        const auto& g = format::levels[0];
        const auto mine = pt_.engine();
        const auto theirs = other.engine();
        bool emptied = false;  // tables single-page unmaps emptied, not reclaimed yet
        for (vaddr v = start;; v += span) {  // check first: a failed call changes nothing
            const auto e = mine.load(pt_.root_paddr(), g.index_of(v));
            if (format::kind(e, 0) == entry_kind::table && mine.subtree_empty(format::address(e, 0), 1))
                emptied = true;
            else if (format::kind(e, 0) != entry_kind::empty)
                return fail(error::already_mapped);
            if (v + (span - 1) == last) break;
        }
        if (emptied) reclaim_deferred();  // they lie on the paths the cursor noted
        for (vaddr v = start;; v += span) {
            const std::size_t i = g.index_of(v);
            const auto e = theirs.load(other.root_paddr(), i);
            if (format::kind(e, 0) != entry_kind::empty) {
                pt_.engine().store(pt_.root_paddr(), i, e);
                pt_.set_borrowed(i);
                if constexpr (latches_root_entries<format>) effects_.changed_all();
            }
            if (v + (span - 1) == last) break;
        }
        return {};
    }

    // Reclaims the tables single-page unmaps left empty, invalidates what the changes so far
    // left in the TLB, then frees unlinked tables.
    constexpr void flush() {
        reclaim_deferred();
        flush_and_free();
        for (std::size_t k = 0; k < effects_.zeroed_count; ++k) {
            const auto& t = effects_.zeroed[k];
            pt_.memory().free_table(t.pa, format::levels[t.level]);
        }
        effects_.zeroed_count = 0;
    }

    // The table this cursor changes.
    constexpr const PageTable& table() const noexcept { return pt_; }

    // Addresses waiting for a flush (for tests and diagnostics).
    constexpr std::size_t pending() const noexcept { return effects_.pending_count; }
    // Addresses whose path may hold tables emptied by unmap(va), reclaimed at the next flush.
    constexpr std::size_t reclaims_pending() const noexcept { return effects_.reclaim_count; }
    constexpr bool full_flush_pending() const noexcept { return effects_.full; }

private:
    friend PageTable;

    // (~page_table of an adopted root) Unlinks the owned tables from the boot tables; this
    // cursor's destructor flushes, then frees them.
    template <class SkipRootEntry>
    constexpr void detach_owned(SkipRootEntry&& skip_root_entry) {
        pt_.engine().detach_owned(skip_root_entry, effects_);
    }

    // The TLB flush and the frees of the unlinked tables (what a full retire batch needs, in
    // the middle of a walk: it must not reclaim, which could retire the tables being walked).
    // In the order of core/cpu_sharing.hpp: the entries are cleared already; invalidate on
    // every CPU the policy reaches (complete when it returns); wait for the software readers;
    // then free the tables, or keep the zeroed ones for reuse.
    constexpr void flush_and_free() {
        using memory_type = typename PageTable::memory_type;
        auto& tlb = pt_.tlb();
        if (effects_.full || effects_.retired_count != 0) {
            tlb.flush_all();
        } else if constexpr (flushes_page_batches<typename PageTable::tlb_type>) {
            if (effects_.pending_count != 0) tlb.flush_pages(effects_.pending.data(), effects_.pending_count);
        } else {
            for (std::size_t k = 0; k < effects_.pending_count; ++k) tlb.flush_page(effects_.pending[k]);
        }
        if constexpr (waits_for_readers<memory_type>) {
            if (effects_.retired_count != 0) pt_.memory().wait_for_readers();
        }
        for (std::size_t k = 0; k < effects_.retired_count; ++k) {
            const auto& t = effects_.retired[k];
            if (!pt_.memory().owns(t.pa)) continue;
            if constexpr (frees_after_readers<memory_type>)
                pt_.memory().free_table_after_readers(t.pa, format::levels[t.level]);  // no reuse
            else if (t.zero && effects_.zeroed_count < retire_batch)
                effects_.zeroed[effects_.zeroed_count++] = t;  // reused by the next new table
            else
                pt_.memory().free_table(t.pa, format::levels[t.level]);
        }
        effects_.pending_count = 0;
        effects_.retired_count = 0;
        effects_.full = false;
    }

    // The paths single-page unmaps may have emptied: each is walked again and its empty
    // tables retired (a full retire batch flushes and frees on the way, never reclaims).
    constexpr void reclaim_deferred() {
        while (effects_.reclaim_count != 0) {
            const vaddr va = effects_.reclaim[--effects_.reclaim_count];
            pt_.engine().reclaim_along(va, effects_);
        }
    }

    struct retired_table {
        paddr pa;
        unsigned level;
        bool zero;  // all entries 0 (reclaimed empty)
    };

    // The sink the engine reports its side effects to.
    struct effects {
        static constexpr bool break_before_make = PageTable::tlb_type::break_before_make;
        cursor* self;
        typename PageTable::leaf_table_memo* memo;  // the table's (shared by its cursors)
        std::array<vaddr, flush_batch> pending{};
        std::size_t pending_count = 0;
        bool full = false;
        std::array<retired_table, retire_batch> retired{};
        std::size_t retired_count = 0;
        std::array<vaddr, retire_batch> reclaim{};  // paths to reclaim along at the flush
        std::size_t reclaim_count = 0;
        // Retired all-zero tables past their flush, reused before any allocation (at most
        // retire_batch; freed by flush()).
        std::array<retired_table, retire_batch> zeroed{};
        std::size_t zeroed_count = 0;

        constexpr bool take_zeroed_table(unsigned level, paddr& pa) noexcept {
            for (std::size_t k = zeroed_count; k-- > 0;) {
                if (zeroed[k].level != level) continue;
                pa = zeroed[k].pa;
                zeroed[k] = zeroed[--zeroed_count];
                return true;
            }
            return false;
        }

        constexpr void changed(vaddr va) noexcept {
            if (full) return;
            if (pending_count == flush_batch) full = true;
            else pending[pending_count++] = va;
        }
        constexpr void changed_run(vaddr va, std::size_t n, std::uint64_t span) noexcept {
            if (full) return;
            if (pending_count + n > flush_batch) {
                full = true;
                return;
            }
            for (std::size_t k = 0; k < n; ++k) pending[pending_count++] = va + k * span;
        }
        constexpr void changed_all() noexcept { full = true; }
        constexpr void invalidate_now(vaddr va) { self->pt_.tlb().flush_page(va); }
        constexpr void invalidate_all_now() { self->pt_.tlb().flush_all(); }
        // unmap(va) may have emptied tables on va's path: reclaim them at the flush (the same
        // last-level table twice in a row is noted once).
        constexpr void reclaim_later(vaddr va) {
            constexpr unsigned shift = format::levels[format::levels.size() - 1].shift +
                                       format::levels[format::levels.size() - 1].index_bits;
            if (reclaim_count != 0 && (reclaim[reclaim_count - 1] >> shift) == (va >> shift)) return;
            if (reclaim_count == reclaim.size()) self->reclaim_deferred();
            reclaim[reclaim_count++] = va;
        }
        constexpr bool cached_leaf_table(vaddr tag, paddr& table) const noexcept {
            if (memo->tag != tag) return false;
            table = memo->table;
            return true;
        }
        constexpr void remember_leaf_table(vaddr tag, paddr table) noexcept { *memo = {tag, table}; }
        constexpr void retire(paddr pa, unsigned level) { retire_table(pa, level, false); }
        constexpr void retire_zeroed(paddr pa, unsigned level) { retire_table(pa, level, true); }
        constexpr void retire_table(paddr pa, unsigned level, bool zero) {
            *memo = {};
            if (retired_count == retire_batch) self->flush_and_free();
            retired[retired_count++] = retired_table{pa, level, zero};
        }
    };

    static_assert(mutation_sink<effects> && defers_reclaim<effects> && leaf_table_cache<effects> &&
                  reuses_zeroed_tables<effects> && invalidates_all_now<effects> &&
                  invalidates_all_later<effects>);

    PageTable& pt_;
    effects effects_{this, &pt_.leaf_memo_};
};

}  // namespace ptgen
