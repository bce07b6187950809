// ptgen-dump: a table image (QEMU's pmemsave output, ptgen-gen's .bin, any memory dump with its
// physical base) decoded for any format from a root: merged ranges of equal attributes, holes,
// tables per level; optionally an SVG picture of the address space.
//
//   ptgen-dump image.bin --format riscv-sv39 --base 0x80400000 [--root 0x...]
//              [--high-root 0x...] [--svg out.svg]
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <ptgen/generators/dump.hpp>
#include <ptgen/generators/format_by_name.hpp>
#include <ptgen/generators/layout_file.hpp>
#include <ptgen/generators/svg.hpp>

namespace gen = ptgen::generators;

int main(int argc, char** argv) {
    CLI::App app{"ptgen-dump: decode a page-table image into a listing (and an SVG picture)"};
    std::string image_path, format, base_text, root_text, high_text, svg_path;
    app.add_option("image", image_path, "the raw image (little-endian entries)")->required();
    app.add_option("-f,--format", format, "the format's name (ptgen-gen --list-formats)")->required();
    app.add_option("-b,--base", base_text, "the physical address of the image's first byte")->required();
    app.add_option("-r,--root", root_text, "the root table's physical address (default: the base)");
    app.add_option("--high-root", high_text,
                   "split roots (AArch64 EL1, LoongArch): the high half's root, dumped too");
    app.add_option("--svg", svg_path, "also write an SVG picture of the address space");
    CLI11_PARSE(app, argc, argv);

    auto number = [](const std::string& what, const std::string& text, ptgen::paddr& out) {
        const auto v = gen::detail::parse_number(text);
        if (!v) std::cerr << "ptgen-dump: " << what << " " << text << ": not a number\n";
        else out = *v;
        return v.has_value();
    };
    ptgen::paddr base = 0, root = 0, high = 0;
    if (!number("--base", base_text, base)) return 2;
    root = base;
    if (!root_text.empty() && !number("--root", root_text, root)) return 2;
    if (!high_text.empty() && !number("--high-root", high_text, high)) return 2;
    std::ifstream in(image_path, std::ios::binary);
    if (!in) {
        std::cerr << "ptgen-dump: cannot read " << image_path << "\n";
        return 1;
    }
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    int status = 0;
    const bool known = gen::with_format(format, [&]<class F>() {
        using E = typename F::entry_type;
        std::vector<E> tables(bytes.size() / sizeof(E));
        for (std::size_t i = 0; i < tables.size(); ++i) {
            E e = 0;
            for (std::size_t b = 0; b < sizeof(E); ++b)
                e |= E(static_cast<unsigned char>(bytes[i * sizeof(E) + b])) << (8 * b);
            tables[i] = e;
        }
        const auto low = gen::decode<F>(tables, base, root, false);
        gen::print_listing(std::cout, low, root, bytes.size(), high_text.empty() ? "tables" : "low half");
        std::ofstream svg;
        if (!svg_path.empty()) {
            svg.open(svg_path);
            gen::write_svg(svg, low, image_path + (high_text.empty() ? "" : ", low half"));
        }
        if (!high_text.empty()) {
            const auto hi = gen::decode<F>(tables, base, high, true);
            std::cout << "\n";
            gen::print_listing(std::cout, hi, high, bytes.size(), "high half");
            if (svg.is_open()) {
                std::ofstream hsvg(svg_path + ".high.svg");
                gen::write_svg(hsvg, hi, image_path + ", high half");
            }
            if (!hi.outside.empty()) status = 1;
        }
        if (!low.outside.empty()) status = 1;
    });
    if (!known) {
        std::cerr << "ptgen-dump: unknown format \"" << format << "\" (formats: " << gen::format_names()
                  << ")\n";
        return 2;
    }
    return status;
}
