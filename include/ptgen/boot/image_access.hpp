// ptgen/boot/image_access.hpp: the tables of a boot image (an array of entries whose first
// entry sits at physical address `base`) as the walker (core/walker.hpp) reads and writes them.
#pragma once

#include <cstddef>
#include <type_traits>

#include "../core/address.hpp"

namespace ptgen::boot {

template <class Entry>  // const Entry: read only
struct image_access {
    Entry* tables;
    paddr base;
    constexpr std::remove_const_t<Entry> load(paddr table, std::size_t i) const {
        return tables[slot(table, i)];
    }
    constexpr void store(paddr table, std::size_t i, std::remove_const_t<Entry> e) const {
        tables[slot(table, i)] = e;
    }
    constexpr std::size_t slot(paddr table, std::size_t i) const {
        return std::size_t(table - base) / sizeof(Entry) + i;
    }
};

template <class Image>
constexpr auto access_of(Image& img) {
    return image_access<std::remove_reference_t<decltype(img.tables[0])>>{img.tables.data(), img.base};
}

}  // namespace ptgen::boot
