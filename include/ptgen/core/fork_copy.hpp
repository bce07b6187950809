// ptgen/core/fork_copy.hpp: what fork() asks of a page table: copy the mappings of a range
// from one table into another (its own tables: a deep copy), optionally write-protecting both
// sides for copy-on-write. All or nothing, with each side's TLB kept by its cursor.
#pragma once

#include <cstdint>

#include "cursor.hpp"
#include "mappings.hpp"
#include "range_rules.hpp"
#include "result.hpp"

namespace ptgen {

enum class fork_mode : bool {
    share,          // the same pages with the same flags in both tables
    copy_on_write,  // both sides lose write permission (the fault handler copies on write)
};

// Copies every leaf of `from`'s table in [va, va + size) into `to`'s table, where that range
// must map nothing (already_mapped otherwise): the same physical pages and flags (less write
// with copy_on_write), the same page sizes (a huge page cut by the range's ends is copied in
// 4 KiB pages; with copy_on_write the ends may not cut one: not_aligned, since write-protecting
// part of it would need a split on the source side). If a table of `to` cannot be allocated,
// everything copied is removed again and the call fails with no_memory: both tables are as
// they were (`to` is flushed first, so that no empty table of it is pending reclaim).
template <class PageTable>
constexpr status fork_copy(cursor<PageTable>& to, cursor<PageTable>& from, vaddr va,
                           std::uint64_t size, fork_mode mode = fork_mode::share) {
    using F = typename PageTable::format;
    PTGEN_TRY(range_rules<F>::check_va_range(va, size));
    const vaddr last = va + (size - 1);
    const PageTable& source = from.table();
    const PageTable& target = to.table();
    PTGEN_TRY(source.admits(va, size));
    PTGEN_TRY(target.admits(va, size));
    if (auto m = target.find_next_mapped(va); m && m->va <= last) return fail(error::already_mapped);
    const bool cow = mode == fork_mode::copy_on_write;
    // The flags of the leaf itself (not those of its TLB pair: a pair partner's bits stay there).
    auto own_flags = [&](vaddr at) {
        const auto slot = source.engine().find_leaf(at);
        return F::leaf_flags(slot->raw, slot->level);
    };
    if (cow) {
        status cut{};
        auto whole = [&](const mapping& m) {
            if (m.size != m.page_size || !is_aligned(m.va, m.page_size)) cut = fail(error::not_aligned);
            return bool(cut);
        };
        PTGEN_TRY(source.for_each_mapping(va, size, whole));
        PTGEN_TRY(cut);
    }
    to.flush();
    status copied{};
    auto copy = [&](const mapping& m) {
        flags f = own_flags(m.va);
        if (cow) f &= ~flags::write;
        copied = m.size == m.page_size && is_aligned(m.va, m.page_size)
                     ? to.map(m.va, m.pa, m.size, f)
                     : to.map_linear(m.va, m.pa, m.size, f, false);
        return bool(copied);
    };
    PTGEN_TRY(source.for_each_mapping(va, size, copy));
    if (!copied) {
        // Only copied leaves lie in the range, none cut by its ends: this unmap splits nothing,
        // so it cannot fail, and it reclaims exactly the tables the copy made.
        (void)to.unmap_region(va, size, skip_holes);
        to.flush();
        return copied;
    }
    if (cow) {  // whole leaves: single-page protects, which cannot fail
        auto protect = [&](const mapping& m) {
            const flags f = own_flags(m.va);
            if (has(f, flags::write)) (void)from.protect(m.va, f & ~flags::write);
        };
        (void)source.for_each_mapping(va, size, protect);
    }
    return {};
}

}  // namespace ptgen
