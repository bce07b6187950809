// ptgen/boot/relocate.hpp: tables built for one base (0, say) made valid at another by one
// pass over their table pointers, for kernels that learn their load address at boot.
#pragma once

#include <cstddef>

#include "../core/format.hpp"
#include "../core/walker.hpp"
#include "build.hpp"
#include "image_access.hpp"

namespace ptgen::boot {

// Rewrites every table pointer of the tree at `root` (tables given as an array of entries that
// was built for `built_base`) so that it is valid once the array sits at `load_base`. Leaves
// are untouched: they point at the memory they map, not at the tables. Usable at run time on
// the section itself (before the MMU is on), and in constant expressions.
template <page_table_format F>
constexpr void relocate_tree(typename F::entry_type* tables, paddr built_base, paddr root,
                             paddr load_base, unsigned level = 0) {
    const image_access<typename F::entry_type> a{tables, built_base};
    walker<F>::visit_tree(a, root, level, 0, [&](const walk_entry<typename F::entry_type>& e) {
        if (e.kind != entry_kind::table) return visit_next::skip;
        // (the walk goes on through e.raw, the pointer as built)
        a.store(e.table, e.index, F::encode_table(F::address(e.raw, e.level) - built_base + load_base, e.level));
        return visit_next::descend;
    });
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
