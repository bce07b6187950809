// ptgen/core/range_rules.hpp: the rules every call's addresses obey, written once: a VA range
// of the format, a PA range of the format, and which root of split roots serves a VA.
#pragma once

#include <cstdint>

#include "address.hpp"
#include "format.hpp"
#include "result.hpp"

namespace ptgen {

// The part of the virtual address space a root serves. Formats with split roots (AArch64 EL1:
// TTBR0_EL1 / TTBR1_EL1; LoongArch: PGDL / PGDH) walk the low half (VA bit 63 clear) from one
// register and the high half from the other: a table adopted from one of an image's two roots
// serves one half and refuses addresses of the other (out_of_range), which the MMU would never
// look up in it. `both`: one root for the whole space (loaded in both registers where there
// are two, or a format with one root register).
enum class root_half : unsigned char { both, low, high };

template <page_table_format F>
struct range_rules {
    // The root of split roots that walks va (bit 63 picks TTBR1 / PGDH).
    static constexpr bool high_root_walks(vaddr va) noexcept {
        return F::split_roots && (va >> 63) != 0;
    }
    static constexpr bool serves(root_half half, vaddr va) noexcept {
        return half == root_half::both || ((va >> 63) != 0) == (half == root_half::high);
    }

    // [va, last]: no wrap, both ends valid for the format, and not across the hole between
    // the halves (which would also span more than the format's 2^va_bits).
    static constexpr bool va_range_valid(vaddr va, vaddr last) noexcept {
        return last >= va && F::va_valid(va) && F::va_valid(last) && ((last - va) >> F::va_bits) == 0;
    }
    // [pa, pa + size): no wrap, inside the format's physical range.
    static constexpr bool pa_range_valid(paddr pa, std::uint64_t size) noexcept {
        const paddr last = pa + (size - 1);
        return last >= pa && geometry_of<F>::pa_valid(last);
    }

    // A range of whole smallest pages of the format: not_aligned, out_of_range, or fine.
    static constexpr status check_va_range(vaddr va, std::uint64_t size) noexcept {
        constexpr std::uint64_t page = geometry_of<F>::min_page;
        if (size == 0 || !is_aligned(va, page) || !is_aligned(size, page)) return fail(error::not_aligned);
        if (!va_range_valid(va, va + (size - 1))) return fail(error::out_of_range);
        return {};
    }
};

}  // namespace ptgen
