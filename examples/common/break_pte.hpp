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
    const ptgen::paddr root = ptgen::range_rules<F>::high_root_walks(va) ? img.high_root : img.root;
    const auto a = ptgen::boot::access_of(img);
    const auto d = ptgen::walker<F>::template descend<0, F::levels.size() - 1>(a, root, va);
    if (d.kind == ptgen::entry_kind::leaf) {
        const std::uint64_t span = F::levels[d.level].span();
        a.store(d.table, d.index, F::encode_leaf(F::address(d.raw, d.level) + (distance ? distance : span),
                                                 F::leaf_flags(d.raw, d.level), d.level));
    }
    return img;
}

}  // namespace kernel
