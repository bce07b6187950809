// tests/support/table_snapshot.hpp: raw contents of every table reachable from a root, to
// prove that a failed call changed nothing.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include <ptgen/core/engine.hpp>

namespace ptgen::test {

template <class Entry>
using snapshot = std::map<paddr, std::vector<Entry>>;  // table pa -> its entries

template <class PageTable>
snapshot<typename PageTable::entry> take_snapshot(const PageTable& pt) {
    using F = typename PageTable::format;
    using E = typename PageTable::entry;
    snapshot<E> s;
    const auto eng = pt.engine();
    auto grab = [&](paddr table, unsigned level) {
        std::vector<E> v(F::levels[level].entries());
        for (std::size_t i = 0; i < v.size(); ++i) v[i] = eng.load(table, i);
        s[table] = std::move(v);
    };
    grab(pt.root_paddr(), 0);
    pt.walk(~std::size_t{0}, [&](const auto& e) {
        if (e.kind == entry_kind::table) grab(F::address(e.raw, e.level), e.level + 1);
    });
    return s;
}

// Every table reachable from the root, with its level (no table reachable twice: checked).
template <class PageTable>
std::map<paddr, unsigned> reachable_tables(const PageTable& pt, bool* reached_twice = nullptr) {
    using F = typename PageTable::format;
    std::map<paddr, unsigned> tables{{pt.root_paddr(), 0}};
    pt.walk(~std::size_t{0}, [&](const auto& e) {
        if (e.kind != entry_kind::table) return;
        if (!tables.emplace(F::address(e.raw, e.level), e.level + 1).second && reached_twice)
            *reached_twice = true;
    });
    return tables;
}

// Does the table of `level` at pa hold a present entry (a table kept in the tree must)?
template <class PageTable>
bool has_present_entry(const PageTable& pt, paddr table, unsigned level) {
    using F = typename PageTable::format;
    for (std::size_t i = 0; i < F::levels[level].entries(); ++i)
        if (F::kind(pt.engine().load(table, i), level) != entry_kind::empty) return true;
    return false;
}

}  // namespace ptgen::test
