// ptgen/boot/verify.hpp: proof at compile time. translate() walks a built image as the MMU
// would (independently of the engine that built it); verify() checks every region of the
// layout against the image and that no leaf is writable and executable unless allowed.
#pragma once

#include <cstddef>
#include <cstdint>

#include "../core/engine.hpp"
#include "build.hpp"
#include "image_access.hpp"

namespace ptgen {

// The hardware's view of an image: {pa, flags, size} of va, or not_mapped (out_of_range for a
// va outside the format, or a table pointer that leaves the image).
template <class Image>
constexpr result<translation> translate(const Image& img, vaddr va) {
    using F = typename Image::format;
    using E = typename Image::entry;
    if (!F::va_valid(va)) return fail(error::out_of_range);
    paddr table = range_rules<F>::high_root_walks(va) ? img.high_root : img.root;
    for (unsigned level = 0; level < F::levels.size(); ++level) {
        const auto& g = F::levels[level];
        if (table < img.base || table - img.base + g.table_bytes() > Image::bytes)
            return fail(error::out_of_range);
        const E e = img.tables[std::size_t(table - img.base) / sizeof(E) + g.index_of(va)];
        switch (F::kind(e, level)) {
            case entry_kind::empty: return fail(error::not_mapped);
            case entry_kind::leaf: {
                flags f = F::leaf_flags(e, level);
                if constexpr (paired_leaves<F>) {  // the TLB entry holds this pair's shared bits
                    if (level + 1 == F::levels.size())
                        f = F::pair_flags(f, img.tables[std::size_t(table - img.base) / sizeof(E) +
                                                        (g.index_of(va) ^ 1)]);
                }
                return translation{leaf_address<F>(e, level, va) + (va & (g.span() - 1)), f, g.span()};
            }
            case entry_kind::table: table = F::address(e, level); break;
        }
    }
    return fail(error::not_mapped);
}

// After the one error of a broken layout (build<L>() returned an invalid_image), checks of
// the image must not add errors of their own: every translation compares equal to anything.
namespace detail {
struct matches_anything {
    template <class T>
    friend constexpr bool operator==(matches_anything, const T&) noexcept {
        return true;
    }
};
struct any_translation {
    matches_anything pa, flags, size;
};
struct translation_of_invalid_image {
    static constexpr any_translation value{};
    constexpr explicit operator bool() const noexcept { return true; }
    constexpr bool has_value() const noexcept { return true; }
    constexpr bool is(error) const noexcept { return true; }
    constexpr const any_translation* operator->() const noexcept { return &value; }
    constexpr const any_translation& operator*() const noexcept { return value; }
};
}  // namespace detail

template <class F>
constexpr detail::translation_of_invalid_image translate(const boot::invalid_image<F>&, vaddr) {
    return {};
}

namespace boot {

template <class F, class Layout>
constexpr bool verify(const invalid_image<F>&, const Layout&) {
    return true;
}

// Does every region translate as the layout says, at its first and last byte, its middle,
// and inside each huge page boundary it crosses?
template <class Image, class Layout>
constexpr bool regions_translate(const Image& img, const Layout& l) {
    using F = typename Image::format;
    for (const region& r : l.regions) {
        if (r.size == 0) continue;
        const std::uint64_t offsets[] = {0, r.size - 1, r.size / 2, r.size / 2 + 4095 < r.size ? r.size / 2 + 4095 : 0};
        for (std::uint64_t off : offsets) {
            const auto t = translate(img, r.va + off);
            if (!t || t->pa != r.pa + off || t->flags != F::effective(r.attrs)) return false;
        }
    }
    return true;
}

// Is every present leaf that is writable and executable inside a region that allows it, or one
// that asked for write only on a format that cannot deny execute (i386 32-bit paging, which has
// no execute-disable bit: the hardware makes every writable page executable, and effective()
// says so)?
template <class Image, class Layout>
constexpr bool no_unasked_write_execute(const Image& img, const Layout& l) {
    using F = typename Image::format;
    using E = typename Image::entry;
    auto allowed = [&l](vaddr va) {
        for (const region& r : l.regions) {
            if (r.size == 0 || va - r.va >= r.size) continue;
            if (r.allow_write_execute) return true;
            if (!has(r.attrs, flags::execute) && has(F::effective(r.attrs), flags::execute))
                return true;
        }
        return false;
    };
    auto visit = [&](const walk_entry<E>& e) {
        if (e.kind == entry_kind::leaf && has(F::leaf_flags(e.raw, e.level), flags::write | flags::execute) &&
            !allowed(e.va))
            return visit_next::stop;
        return visit_next::descend;
    };
    const auto a = access_of(img);
    if (!walker<F>::visit_tree(a, img.root, 0, 0, visit)) return false;
    // The high root's entry 0 maps the first address of the high half, not VA 0.
    return img.high_root == img.root ||
           walker<F>::visit_tree(a, img.high_root, 0, geometry_of<F>::high_half_base, visit);
}

// Everything at once: static_assert(ptgen::boot::verify(image, layout));
template <class Image, class Layout>
constexpr bool verify(const Image& img, const Layout& l) {
    return regions_translate(img, l) && no_unasked_write_execute(img, l);
}

}  // namespace boot
}  // namespace ptgen
