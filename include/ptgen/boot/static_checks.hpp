// ptgen/boot/static_checks.hpp: a bad layout stops compilation with a static_assert whose
// message states the rule, inside an instantiation whose template arguments carry the
// region's name (both g++ and clang++ print them in the "required from" notes):
//
//   g++:     error: static assertion failed: ptgen layout: region overlaps in virtual space
//            region ... [with ... Name = region_name{"kernel"}; Other = region_name{"ram"}]
//   clang++: error: static assertion failed: ptgen layout: region "kernel" overlaps in
//            virtual space region "ram"
#pragma once

#include <cstddef>
#include <utility>

#include "layout.hpp"
#include "text.hpp"

namespace ptgen::boot {

// A region's name as a value that can be a template argument.
struct region_name {
    char text[40]{};
    constexpr region_name() = default;
    constexpr region_name(const char* s) {
        for (std::size_t i = 0; s && s[i] && i + 1 < sizeof text; ++i) text[i] = s[i];
    }
};

namespace static_checks {

// clang++ prints a message computed in a constant expression (C++26 static_assert, accepted
// as an extension), naming the regions; g++ prints the rule, and names the regions in the
// template arguments of the instantiation that failed (region_name{"kernel"}).
constexpr fixed_text<200> message(const char* rule, const region_name& a,
                                  const region_name& b = region_name{}) {
    fixed_text<200> t;
    t.append("ptgen layout: region \"");
    t.append(a.text);
    t.append("\" ");
    t.append(rule);
    if (b.text[0] != 0) {
        t.append(" \"");
        t.append(b.text);
        t.append("\"");
    }
    return t;
}

}  // namespace static_checks
}  // namespace ptgen::boot

#if defined(__clang__)
#define PTGEN_LAYOUT_ASSERT(cond, rule, ...)                                       \
    _Pragma("clang diagnostic push")                                               \
    _Pragma("clang diagnostic ignored \"-Wc++26-extensions\"")                     \
    static_assert(cond, ::ptgen::boot::static_checks::message(rule, __VA_ARGS__)); \
    _Pragma("clang diagnostic pop")
#else
#define PTGEN_LAYOUT_ASSERT(cond, rule, ...) static_assert(cond, "ptgen layout: region " rule)
#endif

namespace ptgen::boot {
namespace static_checks {

template <const auto& L, std::size_t I, region_name Name>
constexpr bool check_region() {
    using F = typename std::remove_cvref_t<decltype(L)>::format_type;
    constexpr const region& r = L.regions[I];
    PTGEN_LAYOUT_ASSERT(rules::aligned<F>(r),
                        "is empty or its va, pa or size is not page-aligned", Name);
    PTGEN_LAYOUT_ASSERT(rules::canonical<F>(r),
                        "has a non-canonical virtual address (outside the format)", Name);
    PTGEN_LAYOUT_ASSERT(rules::pa_in_range<F>(r),
                        "has a physical address too wide for the format", Name);
    PTGEN_LAYOUT_ASSERT(rules::write_execute_allowed(r),
                        "is writable and executable without .writable_and_executable()", Name);
    PTGEN_LAYOUT_ASSERT(F::accepts(r.attrs), "has flags the format cannot express", Name);
    return true;
}

template <const auto& L, std::size_t I, std::size_t J, region_name Name, region_name Other>
constexpr bool check_pair() {
    PTGEN_LAYOUT_ASSERT(rules::disjoint(L.regions[I], L.regions[J]),
                        "overlaps in virtual space region", Name, Other);
    return true;
}

template <const auto& L, std::size_t I, std::size_t... J>
constexpr bool check_against_earlier(std::index_sequence<J...>) {
    return (check_pair<L, I, J, region_name(L.regions[I].name), region_name(L.regions[J].name)>() &&
            ... && true);
}

template <const auto& L, std::size_t I>
constexpr bool check_one() {
    if constexpr (!rules::used(L.regions[I])) {
        return true;
    } else {
        return check_region<L, I, region_name(L.regions[I].name)>() &&
               check_against_earlier<L, I>(std::make_index_sequence<I>{});
    }
}

template <const auto& L, std::size_t... I>
constexpr bool check_all(std::index_sequence<I...>) {
    using F = typename std::remove_cvref_t<decltype(L)>::format_type;
    static_assert(is_aligned(L.table_base, F::levels[0].table_align),
                  "ptgen layout: table_base is not aligned for the root table");
    static_assert(geometry_of<F>::pa_valid(L.table_base),
                  "ptgen layout: table_base is outside the format's physical range");
    return (check_one<L, I>() && ...);
}

}  // namespace static_checks

// All rules of the layout L, as static_asserts.
template <const auto& L>
constexpr bool check_layout_statically() {
    return static_checks::check_all<L>(std::make_index_sequence<max_regions>{});
}

}  // namespace ptgen::boot
