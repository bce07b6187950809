// tests/support/mappings_of.hpp: the mappings of a range as a vector (for Catch tests), as
// for_each_mapping reports them.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include <ptgen/core/mappings.hpp>

namespace ptgen::test {

template <class PT>
std::vector<mapping> mappings_of(const PT& pt, vaddr va, std::uint64_t size,
                                 merge_mappings merge = merge_mappings::no) {
    std::vector<mapping> out;
    REQUIRE(pt.for_each_mapping(va, size, [&](const mapping& m) { out.push_back(m); }, merge));
    return out;
}

}  // namespace ptgen::test
