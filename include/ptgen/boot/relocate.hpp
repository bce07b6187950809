// ptgen/boot/relocate.hpp: tables built for one base (0, say) made valid at another by one
// pass over their table pointers, for kernels that learn their load address at boot.
#pragma once

#include <cstddef>

#include "../core/format.hpp"
#include "build.hpp"

namespace ptgen::boot {

// Rewrites every table pointer of the tree at `root` (tables given as an array of entries that
// was built for `built_base`) so that it is valid once the array sits at `load_base`. Leaves
// are untouched: they point at the memory they map, not at the tables. Usable at run time on
// the section itself (before the MMU is on), and in constant expressions.
template <page_table_format F>
constexpr void relocate_tree(typename F::entry_type* tables, paddr built_base, paddr root,
                             paddr load_base, unsigned level = 0) {
    const std::size_t first = std::size_t(root - built_base) / sizeof(typename F::entry_type);
    for (std::size_t i = 0; i < F::levels[level].entries(); ++i) {
        const auto e = tables[first + i];
        if (F::kind(e, level) != entry_kind::table) continue;
        const paddr child = F::address(e, level);
        tables[first + i] = F::encode_table(child - built_base + load_base, level);
        relocate_tree<F>(tables, built_base, child, load_base, level + 1);
    }
}

// Relocates a whole image in place (both roots) to load_base.
template <class Image>
constexpr void relocate(Image& img, paddr load_base) {
    using F = typename Image::format;
    relocate_tree<F>(img.tables.data(), img.base, img.root, load_base);
    if (img.high_root != img.root)
        relocate_tree<F>(img.tables.data(), img.base, img.high_root, load_base);
    img.root = img.root - img.base + load_base;
    img.high_root = img.high_root - img.base + load_base;
    img.base = load_base;
}

template <class Image>
constexpr Image relocated(Image img, paddr load_base) {
    relocate(img, load_base);
    return img;
}

}  // namespace ptgen::boot
