// ptgen/core/memory.hpp: the table-memory policy concept. The engine never touches a raw
// pointer: it asks the policy to allocate (zeroed), free, and view a table at physical
// address pa; a view loads and stores entries by index.
#pragma once

#include <concepts>
#include <cstddef>

#include "address.hpp"
#include "format.hpp"
#include "result.hpp"

namespace ptgen {

// Memory for tables of entry type E: allocate_table returns a zeroed table aligned as the
// geometry says; view(pa) gives cheap load/store access to the table at pa.
template <class M, class E>
concept table_memory = requires(M& m, const M& cm, const level_geometry& g, paddr pa,
                                std::size_t i, E e) {
    { m.allocate_table(g) } -> std::same_as<result<paddr>>;
    m.free_table(pa, g);
    { cm.template view<E>(pa).load(i) } -> std::same_as<E>;
    m.template view<E>(pa).store(i, e);
    m.template view<E>(pa).fill(i, i, e, e);  // entries i.. = e, e + stride, ...: a run of leaves
    // May the engine free this table? (false for tables it did not allocate, e.g. adopted
    // boot tables in a linker section.)
    { cm.owns(pa) } -> std::same_as<bool>;
};

}  // namespace ptgen
