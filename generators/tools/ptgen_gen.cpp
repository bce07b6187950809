// ptgen-gen: boot tables for kernels in any language, from a layout file. The same engine and
// rules as a compile-time layout (boot::build<L>()): the tables are those the compiler builds.
//
//   ptgen-gen layout.toml -o out/ [--name ptgen_boot] [--emit asm,c,rust,bin,ld]
//                         [--section .ptgen.boot] [--link-address 0x...]
//   ptgen-gen --list-formats
//
// A layout that breaks a rule is refused with the file, line, region and rule, and nothing is
// written (exit status 1; 2 for bad arguments).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <ptgen/generators/emit.hpp>
#include <ptgen/generators/format_by_name.hpp>
#include <ptgen/generators/layout_file.hpp>
#include <ptgen/generators/run_time_image.hpp>

namespace gen = ptgen::generators;

int main(int argc, char** argv) {
    CLI::App app{"ptgen-gen: page tables from a layout file, for C, assembly and Rust kernels"};
    std::string layout_path, output_dir = ".", prefix = "ptgen_boot", section = ".ptgen.boot",
                link_text;
    std::vector<std::string> emit{"asm", "c", "rust", "bin", "ld"};
    bool list_formats = false;
    app.add_option("layout", layout_path, "the layout file (TOML; see README, 'Generator')");
    app.add_option("-o,--output-dir", output_dir, "where to write <name>.S .h .rs .bin .ld")
        ->capture_default_str();
    app.add_option("-n,--name", prefix, "symbol prefix of the tables and values")->capture_default_str();
    app.add_option("-e,--emit", emit, "what to write: asm c rust bin ld")
        ->delimiter(',')
        ->check(CLI::IsMember({"asm", "c", "rust", "bin", "ld"}))
        ->capture_default_str();
    app.add_option("--section", section, "the linker section of the tables")->capture_default_str();
    app.add_option("--link-address", link_text,
                   "the section's link (virtual) address, if not its load address (overrides the file)");
    app.add_flag("--list-formats", list_formats, "print the format names and exit");
    CLI11_PARSE(app, argc, argv);

    if (list_formats) {
        std::cout << gen::format_names() << "\n";
        return 0;
    }
    if (layout_path.empty()) {
        std::cerr << "ptgen-gen: no layout file (see --help)\n";
        return 2;
    }
    const auto spec = gen::read_layout_file(layout_path);
    if (!spec) {
        std::cerr << "ptgen-gen: " << spec.error << "\n";
        return 1;
    }
    gen::emit_options opts{prefix, section, std::filesystem::path(layout_path).filename().string(),
                           spec.value->link_address.value_or(0)};
    if (!link_text.empty()) {
        const auto v = gen::detail::parse_number(link_text);
        if (!v) {
            std::cerr << "ptgen-gen: --link-address " << link_text << ": not a number\n";
            return 2;
        }
        opts.link_address = *v;
    }

    // Everything is produced in memory first: a refused layout writes nothing.
    std::map<std::string, std::string> files;  // name -> contents
    std::string error, summary;
    const bool known = gen::with_format(spec.value->format, [&]<class F>() {
        const auto layout = gen::to_layout<F>(*spec.value);
        error = gen::check_rules(*spec.value, layout);
        if (!error.empty()) return;
        gen::run_time_image<F> img;
        if (!gen::build_image(layout, img)) {
            error = layout_path + ": the layout could not be mapped";
            return;
        }
        const std::set<std::string> want(emit.begin(), emit.end());
        auto text = [&](auto write) {
            std::ostringstream s;
            write(s);
            return s.str();
        };
        if (want.count("asm")) files[prefix + ".S"] = text([&](std::ostream& s) { gen::emit_assembly(s, img, opts); });
        if (want.count("c")) files[prefix + ".h"] = text([&](std::ostream& s) { gen::emit_c_header(s, img, opts); });
        if (want.count("rust")) files[prefix + ".rs"] = text([&](std::ostream& s) { gen::emit_rust(s, img, opts); });
        if (want.count("bin")) files[prefix + ".bin"] = text([&](std::ostream& s) { gen::emit_binary(s, img); });
        if (want.count("ld")) files[prefix + ".ld"] = text([&](std::ostream& s) { gen::emit_linker_fragment(s, img, opts); });
        summary = std::string(F::name) + ": " + std::to_string(img.bytes()) + " bytes of tables at " +
                  gen::detail::hex(img.base) + ", root " + gen::detail::hex(img.root);
    });
    if (!known) {
        std::cerr << "ptgen-gen: " << layout_path << ": unknown format \"" << spec.value->format
                  << "\" (formats: " << gen::format_names() << ")\n";
        return 1;
    }
    if (!error.empty()) {
        std::cerr << "ptgen-gen: " << error << "\n";
        return 1;
    }
    std::error_code ec;
    std::filesystem::create_directories(output_dir, ec);
    for (const auto& [name, contents] : files) {
        const auto path = std::filesystem::path(output_dir) / name;
        const auto tmp = std::filesystem::path(path.string() + ".tmp");
        std::ofstream out(tmp, std::ios::binary);
        out << contents;
        out.close();
        if (!out) {
            std::cerr << "ptgen-gen: cannot write " << tmp << "\n";
            return 1;
        }
        std::filesystem::rename(tmp, path, ec);
        if (ec) {
            std::cerr << "ptgen-gen: cannot write " << path << ": " << ec.message() << "\n";
            return 1;
        }
    }
    std::cout << summary << "; wrote";
    for (const auto& f : files) std::cout << " " << f.first;
    std::cout << " in " << output_dir << "\n";
    return 0;
}
