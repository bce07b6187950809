// ptgen/generators/layout_file.hpp: a boot layout read from a TOML file (toml++, Debian's
// libtomlplusplus-dev), checked by the same rules as a compile-time layout.
//
//   format = "riscv-sv39"                 # a format's name (ptgen-gen --list-formats)
//   table_base = 0x8040_0000              # where .ptgen.boot is loaded (its physical address)
//   link_address = "0xffff_ffff_8040_0000"  # optional: its link (virtual) address
//
//   [[region]]
//   name = "ram"
//   va = 0x8000_0000                      # addresses and sizes: integers, or strings such as
//   pa = 0x8000_0000                      #   "0xffff_ffff_8000_0000", "1 GiB", "4KiB"
//   size = "1 GiB"                        # (TOML integers stop at 2^63 - 1)
//   flags = ["rw", "global"]              # read write execute user device uncached global,
//                                         #   or r rw rx rwx; no_access: a guard (mapped, faults)
//   max_page = "2 MiB"                    # optional: the largest page ("4 KiB": small pages)
//   writable_and_executable = false       # optional: the W+X allowance
//
// pa defaults to va (identity). Every error names the file, the line and the region.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include <ptgen/boot/layout.hpp>

namespace ptgen::generators {

struct region_spec {
    std::string name;
    vaddr va = 0;
    paddr pa = 0;
    std::uint64_t size = 0;
    flags attrs = flags::none;
    std::uint64_t max_page = ~std::uint64_t{0};
    bool write_execute = false;
    std::size_t line = 0;
};

struct layout_spec {
    std::string file;
    std::string format;
    paddr table_base = 0;
    std::optional<vaddr> link_address;
    std::vector<region_spec> regions;
};

// A value or a message ("file:line: what").
template <class T>
struct parsed {
    std::optional<T> value;
    std::string error;
    explicit operator bool() const { return value.has_value(); }
};

namespace detail {

// "0x1000", "4096", "1_GiB", "1 GiB", "0xffff'ffff'8000'0000", "4KiB".
inline std::optional<std::uint64_t> parse_number(std::string_view s) {
    std::string digits;
    std::uint64_t unit = 1;
    std::string text(s);
    for (auto [suffix, bytes] : {std::pair{"KiB", 1ull << 10}, std::pair{"MiB", 1ull << 20},
                                 std::pair{"GiB", 1ull << 30}, std::pair{"TiB", 1ull << 40}}) {
        const std::string_view suf = suffix;
        if (text.size() > suf.size() && text.compare(text.size() - suf.size(), suf.size(), suf) == 0) {
            text.resize(text.size() - suf.size());
            unit = bytes;
            break;
        }
    }
    for (char c : text)
        if (c != '_' && c != '\'' && c != ' ') digits += c;
    if (digits.empty()) return std::nullopt;
    int base = 10;
    std::size_t i = 0;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        base = 16;
        i = 2;
    }
    if (i == digits.size()) return std::nullopt;
    std::uint64_t v = 0;
    for (; i < digits.size(); ++i) {
        const char c = digits[i];
        unsigned d;
        if (c >= '0' && c <= '9') d = unsigned(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f') d = unsigned(c - 'a' + 10);
        else if (base == 16 && c >= 'A' && c <= 'F') d = unsigned(c - 'A' + 10);
        else return std::nullopt;
        if (v > (~std::uint64_t{0} - d) / std::uint64_t(base)) return std::nullopt;  // overflow
        v = v * std::uint64_t(base) + d;
    }
    if (unit != 1 && v > ~std::uint64_t{0} / unit) return std::nullopt;
    return v * unit;
}

inline std::optional<flags> parse_flag(std::string_view s) {
    struct named { std::string_view name; flags f; };
    static constexpr named names[] = {
        {"read", flags::read}, {"write", flags::write}, {"execute", flags::execute},
        {"user", flags::user}, {"device", flags::device}, {"uncached", flags::uncached},
        {"global", flags::global}, {"r", r}, {"rw", rw}, {"rx", rx}, {"rwx", rwx},
        {"no_access", no_access}};  // a guard: mapped, every access faults
    for (const auto& n : names)
        if (n.name == s) return n.f;
    return std::nullopt;
}

inline std::string where(const std::string& file, const toml::node& n) {
    return file + ":" + std::to_string(n.source().begin.line) + ": ";
}

}  // namespace detail

// Reads and checks the syntax and fields of a layout file (not the layout rules: see
// check_rules, which needs the format).
inline parsed<layout_spec> read_layout_file(const std::string& path) {
    parsed<layout_spec> out;
    toml::table doc;
    try {
        doc = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        out.error = path + ":" + std::to_string(e.source().begin.line) +
                    ": syntax error: " + std::string(e.description());
        return out;
    }
    layout_spec spec;
    spec.file = path;
    std::string err;
    auto number = [&](const toml::node& n, const std::string& what) -> std::optional<std::uint64_t> {
        if (auto i = n.as_integer()) {
            if (i->get() >= 0) return std::uint64_t(i->get());
        } else if (auto s = n.as_string()) {
            if (auto v = detail::parse_number(s->get())) return v;
        }
        if (err.empty())
            err = detail::where(path, n) + what +
                  ": not a number (an integer, or a string such as \"0xffff_ffff_8000_0000\" or \"2 MiB\")";
        return std::nullopt;
    };
    for (auto&& [key, node] : doc) {
        const std::string k(key.str());
        if (k != "format" && k != "table_base" && k != "link_address" && k != "region") {
            out.error = detail::where(path, node) + "unknown key '" + k +
                        "' (format, table_base, link_address, [[region]])";
            return out;
        }
    }
    const toml::node* format = doc.get("format");
    if (!format || !format->is_string()) {
        out.error = path + ": missing field 'format' (a string: the format's name)";
        return out;
    }
    spec.format = format->as_string()->get();
    const toml::node* base = doc.get("table_base");
    if (!base) {
        out.error = path + ": missing field 'table_base' (the physical address of the tables)";
        return out;
    }
    if (auto v = number(*base, "table_base")) spec.table_base = *v;
    if (const toml::node* link = doc.get("link_address"))
        if (auto v = number(*link, "link_address")) spec.link_address = *v;
    const toml::array* regions = doc.get_as<toml::array>("region");
    if (!regions || regions->empty()) {
        out.error = path + ": no [[region]]: a layout maps at least one region";
        return out;
    }
    std::size_t index = 0;
    for (const toml::node& rn : *regions) {
        ++index;
        const toml::table* t = rn.as_table();
        if (!t) {
            out.error = detail::where(path, rn) + "region " + std::to_string(index) + ": not a table";
            return out;
        }
        region_spec r;
        r.line = rn.source().begin.line;
        const std::string label = [&] {
            if (auto n = t->get_as<std::string>("name")) return "region \"" + n->get() + "\"";
            return "region " + std::to_string(index);
        }();
        for (auto&& [key, node] : *t) {
            const std::string k(key.str());
            if (k != "name" && k != "va" && k != "pa" && k != "size" && k != "flags" &&
                k != "max_page" && k != "writable_and_executable") {
                out.error = detail::where(path, node) + label + ": unknown field '" + k +
                            "' (name, va, pa, size, flags, max_page, writable_and_executable)";
                return out;
            }
        }
        for (const char* field : {"name", "va", "size", "flags"}) {
            if (!t->get(field)) {
                out.error = detail::where(path, rn) + label + ": missing field '" + field + "'";
                return out;
            }
        }
        if (auto n = t->get_as<std::string>("name")) r.name = n->get();
        else {
            out.error = detail::where(path, *t->get("name")) + label + ": name is not a string";
            return out;
        }
        if (auto v = number(*t->get("va"), label + ": va")) r.va = *v;
        r.pa = r.va;
        if (const toml::node* pa = t->get("pa"))
            if (auto v = number(*pa, label + ": pa")) r.pa = *v;
        if (auto v = number(*t->get("size"), label + ": size")) r.size = *v;
        if (const toml::node* mp = t->get("max_page"))
            if (auto v = number(*mp, label + ": max_page")) r.max_page = *v;
        if (const toml::node* wx = t->get("writable_and_executable")) {
            if (auto b = wx->as_boolean()) r.write_execute = b->get();
            else if (err.empty())
                err = detail::where(path, *wx) + label + ": writable_and_executable is not true or false";
        }
        const toml::node& fl = *t->get("flags");
        auto add_flag = [&](const toml::node& n) {
            auto s = n.as_string();
            auto f = s ? detail::parse_flag(s->get()) : std::nullopt;
            if (!f && err.empty())
                err = detail::where(path, n) + label + ": unknown flag " +
                      (s ? "\"" + s->get() + "\"" : std::string("(not a string)")) +
                      " (read write execute user device uncached global, or r rw rx rwx)";
            if (f) r.attrs |= *f;
        };
        if (auto a = fl.as_array()) {
            for (const toml::node& n : *a) add_flag(n);
        } else {
            add_flag(fl);
        }
        if (!err.empty()) {
            out.error = err;
            return out;
        }
        spec.regions.push_back(std::move(r));
    }
    if (!err.empty()) {
        out.error = err;
        return out;
    }
    if (spec.regions.size() > boot::max_regions) {
        out.error = path + ": " + std::to_string(spec.regions.size()) + " regions; a layout holds at most " +
                    std::to_string(boot::max_regions);
        return out;
    }
    out.value = std::move(spec);
    return out;
}

// The spec as a layout of format F (names point into spec, which must outlive it).
template <page_table_format F>
boot::layout<F> to_layout(const layout_spec& spec) {
    boot::layout<F> l{};
    l.table_base = spec.table_base;
    for (std::size_t i = 0; i < spec.regions.size(); ++i) {
        const region_spec& r = spec.regions[i];
        boot::region reg{r.name.c_str(), r.va, r.pa, r.size, r.attrs};
        reg.max_page = r.max_page;
        reg.allow_write_execute = r.write_execute;
        l.regions[i] = reg;
    }
    return l;
}

// The layout rules (those of build<L>()): "" when obeyed, else "file:line: region "x" rule".
template <page_table_format F>
std::string check_rules(const layout_spec& spec, const boot::layout<F>& l) {
    const boot::violation v = boot::first_violation(l);
    if (!v) return "";
    if (v.region == boot::violation::no_region)
        return spec.file + ": table_base " + boot::rule_text(v.rule);
    std::string m = spec.file + ":" + std::to_string(spec.regions[v.region].line) + ": region \"" +
                    spec.regions[v.region].name + "\" " + boot::rule_text(v.rule);
    if (v.other != boot::violation::no_region) m += " \"" + spec.regions[v.other].name + "\"";
    return m;
}

}  // namespace ptgen::generators
