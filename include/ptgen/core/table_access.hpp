// ptgen/core/table_access.hpp: the entries of one table through the memory policy: load and
// store (keeping the table's count of non-zero entries where the policy keeps one), and the
// questions asked of a whole table or run (all zero? counted? every entry such?), with plain
// loads where the policy's view offers them. The ground engine_base stands on.
#pragma once

#include <cstddef>
#include <type_traits>

#include "address.hpp"
#include "format.hpp"

namespace ptgen {

template <page_table_format F, class M>
class table_access {
public:
    using entry = typename F::entry_type;

    constexpr explicit table_access(M& memory) noexcept : mem_(memory) {}

    // Is every entry of the table of `level` at pa 0 (a view may check that with plain loads)?
    [[gnu::always_inline]] constexpr bool table_zero(paddr table, unsigned level) const {
        const auto view = mem_.template view<entry>(table);
        const std::size_t n = F::levels[level].entries();
        if constexpr (requires { view.all_zero(n); }) {
            if (!std::is_constant_evaluated()) return view.all_zero(n);
        }
        for (std::size_t i = 0; i < n; ++i)
            if (view.load(i) != 0) return false;
        return true;
    }

    // Does pred(k, entry) hold for the k-th of entries [i, i + n) of the table at pa, for
    // every k (pred must not depend on the bits walkers set)? A view may answer with plain
    // loads, which compilers vectorise.
    template <class Pred>
    constexpr bool all_entries(paddr table, std::size_t i, std::size_t n, Pred pred) const {
        const auto view = mem_.template view<entry>(table);
        if constexpr (requires { view.all_of(i, n, pred); }) {
            if (!std::is_constant_evaluated()) return view.all_of(i, n, pred);
        }
        bool all = true;  // no branch per entry: the failure is rare, its place moot
        for (std::size_t k = 0; k < n; ++k) all &= pred(k, view.load(i + k));
        return all;
    }
    // Entries [i, i + n), all leaves, become the leaves e0, e0 + stride, ... (no entry turns
    // zero or non-zero: a count of the table's entries stays).
    template <class View>
    static constexpr void rewrite_leaves(const View& view, std::size_t i, std::size_t n, entry e0,
                                         entry stride) {
        if constexpr (requires { view.rewrite(i, n, e0, stride); }) view.rewrite(i, n, e0, stride);
        else view.fill(i, n, e0, stride);
    }

    // Does the memory policy count the non-zero entries of the table at pa (then table_zero is
    // one load, and a table whose count is not zero is in use: the engine leaves no non-zero
    // entry that maps nothing)?
    [[gnu::always_inline]] constexpr bool table_counted(paddr table) const {
        const auto view = mem_.template view<entry>(table);
        if constexpr (requires { view.counted(); }) return !std::is_constant_evaluated() && view.counted();
        else return false;
    }
    // May unmapping an entry of the table at pa have left it empty (for the reclaim)?
    [[gnu::always_inline]] constexpr bool maybe_emptied(paddr table, unsigned level) const {
        return !table_counted(table) || table_zero(table, level);
    }

    [[gnu::always_inline]] constexpr entry load(paddr table, std::size_t i) const {
        return mem_.template view<entry>(table).load(i);
    }
    // A load that sees the linked table's contents as they were when it was linked (the link
    // is a release store): for readers while another CPU changes the table (many_cpus).
    [[gnu::always_inline]] constexpr entry load_acquire(paddr table, std::size_t i) const {
        const auto view = mem_.template view<entry>(table);
        if constexpr (requires { view.load_acquire(i); }) return view.load_acquire(i);
        else return view.load(i);
    }
    [[gnu::always_inline]] constexpr void store(paddr table, std::size_t i, entry e) {
        mem_.template view<entry>(table).store(i, e);
    }
    // The same where the caller has just read the entry's value `old` (a view that counts the
    // table's non-zero entries need not read it again).
    [[gnu::always_inline]] constexpr void store(paddr table, std::size_t i, entry e, entry old) {
        store_over(mem_.template view<entry>(table), i, e, old);
    }
    template <class View>
    [[gnu::always_inline]] static constexpr void store_over(const View& view, std::size_t i, entry e, entry old) {
        if constexpr (requires { view.store(i, e, old); }) view.store(i, e, old);
        else (void)old, view.store(i, e);
    }

protected:
    M& mem_;
};

}  // namespace ptgen
