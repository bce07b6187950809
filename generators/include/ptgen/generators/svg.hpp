// ptgen/generators/svg.hpp: a picture of an address space as decoded by dump.hpp: a row per
// mapped range in address order (holes between them marked), the bar's length growing with
// the range's size (log scale: 4 KiB to 256 TiB), its colour the permission, huge pages solid
// and small pages striped (one stripe per page up to 64).
#pragma once

#include <cmath>
#include <cstdint>
#include <ostream>
#include <string>

#include "dump.hpp"

namespace ptgen::generators {

namespace detail {
inline const char* colour_of(flags f) {
    if (has(f, flags::device)) return "#e69f00";                       // device: orange
    if (has(f, flags::write) && has(f, flags::execute)) return "#d55e00";  // W+X: red
    if (has(f, flags::execute)) return "#009e73";                      // rx: green
    if (has(f, flags::write)) return "#0072b2";                        // rw: blue
    return "#999999";                                                   // r: grey
}
inline std::string escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        if (c == '&') o += "&amp;";
        else if (c == '<') o += "&lt;";
        else if (c == '>') o += "&gt;";
        else o += c;
    }
    return o;
}
}  // namespace detail

template <page_table_format F>
void write_svg(std::ostream& os, const decoded_image<F>& d, const std::string& title) {
    constexpr int row = 24, left = 10, bar_max = 420, text_x = 450, width = 1100;
    std::size_t rows = d.ranges.size();
    for (std::size_t i = 1; i < d.ranges.size(); ++i)
        if (d.ranges[i].va != d.ranges[i - 1].va + d.ranges[i - 1].size) ++rows;
    const int height = int(rows) * row + 70;
    os << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
       << "\" font-family=\"monospace\" font-size=\"12\">\n";
    os << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    os << "<text x=\"" << left << "\" y=\"18\" font-size=\"14\">" << detail::escape(title) << " ("
       << F::name << ")</text>\n";
    os << "<text x=\"" << left << "\" y=\"36\" fill=\"#555\">bar length: log2(size), 4 KiB to 256 TiB;"
          " solid: huge pages, striped: small pages; blue rw, green rx, grey r, red rwx, orange device</text>\n";
    int y = 50;
    for (std::size_t i = 0; i < d.ranges.size(); ++i) {
        const mapped_range& r = d.ranges[i];
        const vaddr prev_end = i > 0 ? d.ranges[i - 1].va + d.ranges[i - 1].size : r.va;
        if (r.va != prev_end) {
            std::string gap = "hole of " + detail::size_text(r.va - prev_end);
            if ((prev_end >> 63) == 0 && (r.va >> 63) != 0) {  // across the non-canonical gap
                const auto [low_top, high_bottom] = detail::canonical_edges<F>();
                gap = "holes of " + detail::size_text(low_top - prev_end + 1) + " (to the top of the low half) and " +
                      detail::size_text(r.va - high_bottom) + " (from the bottom of the high half)";
            }
            os << "<text x=\"" << left << "\" y=\"" << y + 15 << "\" fill=\"#999\">... " << gap << "</text>\n";
            y += row;
        }
        const double bits = std::log2(double(r.size));
        const int w = int(10 + (bar_max - 10) * std::fmax(0.0, bits - 12) / 36.0);
        os << "<rect x=\"" << left << "\" y=\"" << y + 3 << "\" width=\"" << w << "\" height=\"" << row - 6
           << "\" fill=\"" << detail::colour_of(r.attrs) << "\"/>\n";
        if (r.page == geometry_of<F>::min_page && r.size > r.page) {  // small pages: stripes
            const std::uint64_t pages = r.size / r.page;
            const int n = pages > 64 ? 64 : int(pages);
            for (int k = 1; k < n; ++k)
                os << "<line x1=\"" << left + w * k / n << "\" y1=\"" << y + 3 << "\" x2=\"" << left + w * k / n
                   << "\" y2=\"" << y + row - 3 << "\" stroke=\"white\" stroke-width=\"1\"/>\n";
        }
        os << "<text x=\"" << text_x << "\" y=\"" << y + 16 << "\">"
           << detail::escape(detail::address(r.va) + " " + detail::size_text(r.size) + " (" +
                             std::to_string(r.size / r.page) + " x " + detail::size_text(r.page) + ") " +
                             detail::flags_text(r.attrs) + " -> " + detail::address(r.pa))
           << "</text>\n";
        y += row;
    }
    os << "</svg>\n";
}

}  // namespace ptgen::generators
