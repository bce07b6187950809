// ptgen/boot/static_checks.hpp: a bad layout stops compilation with one error, whose first
// line names the rule and the region(s):
//
//   g++ 12:      error: invalid application of 'sizeof' to incomplete type
//                'ptgen::boot::layout_error<ptgen::boot::rule::region_overlaps_in_virtual_space,
//                ptgen::boot::region_name{"kernel"}, ptgen::boot::region_name{"ram"}>'
//   clang >= 22: error: static assertion failed: ptgen layout: region "kernel" overlaps in
//                virtual space region "ram"
//   clang < 22:  error: implicit instantiation of undefined template 'ptgen::boot::layout_error<
//                ptgen::boot::rule::region_overlaps_in_virtual_space, ptgen::boot::name<'k',
//                'e', 'r', 'n', 'e', 'l'>, ptgen::boot::name<'r', 'a', 'm'>>'
//
// (clang 22 accepts a message computed by a constant expression in C++20 mode, clang 19 does not;
// g++ 12 never, but it prints a class template argument's string member as a string.)
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

// The name of region i of l, "(unnamed)", or "" when the rule concerns no (second) region.
template <class Layout>
constexpr region_name name_of(const Layout& l, std::size_t i) {
    if (i == violation::no_region) return region_name();
    return region_name(l.regions[i].name ? l.regions[i].name : "(unnamed)");
}

// Never defined: naming it with a rule and region names is the diagnostic.
template <rule Rule, class Region, class Other>
struct layout_error;

// A region name as a type: g++ prints the string; older clang prints a pack of characters.
template <region_name N>
struct named {};
template <char... C>
struct name {};

namespace static_checks {

constexpr fixed_text<200> message(rule r, const region_name& a, const region_name& b) {
    fixed_text<200> t;
    t.append("ptgen layout: ");
    if (r == rule::table_base_is_not_aligned_for_the_root_table ||
        r == rule::table_base_is_outside_the_physical_range) {
        t.append("table_base ");
        t.append(rule_text(r));
        return t;
    }
    t.append("region \"");
    t.append(a.text);
    t.append("\" ");
    t.append(rule_text(r));
    if (r == rule::region_overlaps_in_virtual_space) {
        t.append(" \"");
        t.append(b.text);
        t.append("\"");
    }
    return t;
}

constexpr std::size_t length(const region_name& n) {
    std::size_t k = 0;
    while (n.text[k] != 0) ++k;
    return k;
}
template <region_name N, std::size_t... I>
constexpr auto as_chars(std::index_sequence<I...>) -> name<N.text[I]...>;
template <region_name N>
using chars_of = decltype(as_chars<N>(std::make_index_sequence<length(N)>{}));

// One error, in the form each compiler prints best (see the top of this file). g++ reports a
// failed call in a constant expression as a second error, so it reads a member instead.
#if defined(__clang__)
template <rule R, region_name A, region_name B>
constexpr bool report() {
#if __clang_major__ >= 22
    _Pragma("clang diagnostic push");
    _Pragma("clang diagnostic ignored \"-Wc++26-extensions\"");
    static_assert(false, message(R, A, B));
    _Pragma("clang diagnostic pop");
#else
    (void)sizeof(layout_error<R, chars_of<A>, chars_of<B>>);
#endif
    return false;
}
#define PTGEN_LAYOUT_REPORT(R, A, B) (void)::ptgen::boot::static_checks::report<R, A, B>()
#else
template <rule R, region_name A, region_name B>
struct report {
    static constexpr bool shown = sizeof(layout_error<R, named<A>, named<B>>) == 0;
};
#define PTGEN_LAYOUT_REPORT(R, A, B) (void)::ptgen::boot::static_checks::report<R, A, B>::shown
#endif

}  // namespace static_checks
}  // namespace ptgen::boot
