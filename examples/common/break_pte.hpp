// examples/common/break_pte.hpp: the test-only corruption behind -DPTGEN_KERNEL_BREAK_PTE.
// A kernel built with it boots on tables where one leaf points one page (one block) too far;
// its checks must notice, and its CTest test is registered as expected to fail.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ptgen/boot.hpp>

namespace kernel {

// The image with the leaf that maps va re-pointed `distance` bytes further (0: by its own size,
// the next page or block).
template <class Image>
constexpr Image with_broken_leaf(Image img, ptgen::vaddr va, std::uint64_t distance = 0) {
    using F = typename Image::format;
    using E = typename Image::entry;
    ptgen::paddr table = (F::split_roots && (va >> 63) != 0) ? img.high_root : img.root;
    for (unsigned level = 0; level < F::levels.size(); ++level) {
        const auto& g = F::levels[level];
        const std::size_t i = std::size_t(table - img.base) / sizeof(E) + g.index_of(va);
        const E e = img.tables[i];
        if (F::kind(e, level) == ptgen::entry_kind::leaf) {
            img.tables[i] = F::encode_leaf(F::address(e, level) + (distance ? distance : g.span()),
                                           F::leaf_flags(e, level), level);
            return img;
        }
        if (F::kind(e, level) == ptgen::entry_kind::empty) return img;
        table = F::address(e, level);
    }
    return img;
}

}  // namespace kernel
