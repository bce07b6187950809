// ptgen/generators/format_by_name.hpp: run-time choice of a format by its name
// (F::name: "riscv-sv39", "x86_64-4level", ...), for tools that read the name from a file.
#pragma once

#include <string>
#include <string_view>

#include <boost/hana/for_each.hpp>
#include <ptgen/all_formats.hpp>

namespace ptgen::generators {

// Calls fn.template operator()<F>() for the format named `name`; false when there is none.
template <class Fn>
bool with_format(std::string_view name, Fn&& fn) {
    bool found = false;
    boost::hana::for_each(ptgen::all_formats, [&](auto t) {
        using F = typename decltype(t)::type;
        if (!found && name == F::name) {
            found = true;
            fn.template operator()<F>();
        }
    });
    return found;
}

// "riscv-sv39, riscv-sv48, ..." for messages.
inline std::string format_names() {
    std::string names;
    boost::hana::for_each(ptgen::all_formats, [&](auto t) {
        using F = typename decltype(t)::type;
        if (!names.empty()) names += ", ";
        names += F::name;
    });
    return names;
}

}  // namespace ptgen::generators
