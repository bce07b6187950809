// ptgen/core/table_reserve.hpp: phase 2 of a mutation: the tables its plan counted, allocated
// before anything is written (on failure all are freed again), then taken by the apply phase.
#pragma once

#include <array>
#include <cstddef>

#include "format.hpp"
#include "result.hpp"
#include "sink.hpp"

namespace ptgen {

// A zeroed table of `level`: one the sink keeps for reuse, or a new one from the policy. A
// table the format cannot point to (above its physical range) is no memory.
template <page_table_format F, class M, class Sink>
constexpr result<paddr> new_table(M& mem, unsigned level, Sink& sink) {
    if constexpr (reuses_zeroed_tables<Sink>) {
        if (paddr pa = 0; sink.take_zeroed_table(level, pa)) return pa;
    }
    auto t = mem.allocate_table(F::levels[level]);
    if (t && !geometry_of<F>::pa_valid(*t)) {
        mem.free_table(*t, F::levels[level]);
        return fail(error::no_memory);
    }
    return t;
}

// The tables of one call, per level, kept as lists threaded through each table's entry 0 (the
// tables are not linked anywhere yet, so nothing else reads them).
template <page_table_format F, class M>
class table_reserve {
public:
    using entry = typename F::entry_type;
    static constexpr unsigned depth = unsigned(F::levels.size());
    using level_counts = std::array<std::size_t, depth>;

    constexpr explicit table_reserve(M& mem) noexcept : mem_(mem) {}

    // Allocates need[level] tables of each level; on failure frees them all: no_memory.
    template <class Sink>
    constexpr status fill(const level_counts& need, Sink& sink) {
        for (unsigned level = 1; level < depth; ++level) {
            for (std::size_t n = 0; n < need[level]; ++n) {
                auto t = new_table<F>(mem_, level, sink);
                if (!t) {
                    drain();
                    return fail(error::no_memory);
                }
                view(*t).store(0, entry(head_[level]));
                head_[level] = *t;
                ++count_[level];
            }
        }
        return {};
    }

    // A table of `level` (the plan counted it: the list is not empty), zeroed again.
    constexpr paddr take(unsigned level) {
        const paddr t = head_[level];
        head_[level] = paddr(view(t).load(0));
        --count_[level];
        view(t).store(0, entry{0});
        return t;
    }

private:
    constexpr void drain() {
        for (unsigned level = 1; level < depth; ++level)
            while (count_[level] != 0) mem_.free_table(take(level), F::levels[level]);
    }
    constexpr auto view(paddr t) { return mem_.template view<entry>(t); }

    M& mem_;
    std::array<paddr, depth> head_{};
    std::array<std::size_t, depth> count_{};
};

}  // namespace ptgen
