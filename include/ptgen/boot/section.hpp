// ptgen/boot/section.hpp: the image emitted as a constinit, root-aligned array in a linker
// section, and the linker-script line that makes a wrong placement fail the link.
//
// linker_script_fragment(image[, placement]) produces the linker-script lines that place the
// section (print them from a small host program at build time, as tests/link/ does, or let
// CMake do it: ptgen_boot_linker_fragment in cmake/PtgenBoot.cmake).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "build.hpp"
#include "text.hpp"

// A constinit copy of `img` named `name`, in section `section_name`, aligned for the root table.
// (A constinit variable cannot be read by static_assert: check the constexpr image instead.)
#define PTGEN_BOOT_TABLES_IN_SECTION(name, img, section_name)                                    \
    alignas(::std::remove_cvref_t<decltype(img)>::alignment)                                \
        __attribute__((section(section_name), used)) constinit ::std::array<                      \
            typename ::std::remove_cvref_t<decltype(img)>::entry,                           \
            ::std::remove_cvref_t<decltype(img)>::entries> name = (img).tables

#define PTGEN_BOOT_TABLES(name, img) PTGEN_BOOT_TABLES_IN_SECTION(name, img, ".ptgen.boot")

namespace ptgen::boot {

// Where the section goes: its link (virtual) address, which the kernel's code uses to reach
// boot_tables, and its load (physical) address, which the MMU walks: the image's base. They
// differ in a higher-half kernel (VMA != LMA).
struct placement {
    std::uint64_t link_address;
    const char* section = ".ptgen.boot";
};

// Linker-script lines for an image, to INCLUDE at the top level of a script (after its own
// SECTIONS): a SECTIONS command that places `section` and ASSERTs that fail the link if
// anything moves it (GNU ld and lld accept both). Without a placement the section is linked
// and loaded at the image's base:
//   SECTIONS { .ptgen.boot 0x80400000 : ALIGN(0x1000) { KEEP(*(.ptgen.boot)) } }
//   ASSERT(ADDR(.ptgen.boot) == 0x80400000, "...");
// With placement{link_address} it is linked there and loaded at the base:
//   SECTIONS { .ptgen.boot 0xffffffff80400000 : AT(0x80400000) ALIGN(0x1000) { ... } }
//   ASSERT(LOADADDR(.ptgen.boot) == 0x80400000, "..."); ASSERT(ADDR(.ptgen.boot) == ..., "...");
template <class Image>
constexpr fixed_text<640> linker_script_fragment(const Image& img, placement where) {
    const char* section = where.section;
    const bool split = where.link_address != img.base;
    fixed_text<640> t;
    t.append("SECTIONS { ");
    t.append(section);
    t.append(" ");
    t.append_hex(where.link_address);
    t.append(" :");
    if (split) {
        t.append(" AT(");
        t.append_hex(img.base);
        t.append(")");
    }
    t.append(" ALIGN(");
    t.append_hex(Image::alignment);
    t.append(") { KEEP(*(");
    t.append(section);
    t.append(")) } }\n");
    // ASSERT(<what>(section) == address, "ptgen: section must be <verb> at address<why>");
    auto check = [&](const char* what, std::uint64_t address, const char* verb, const char* why) {
        t.append("ASSERT(");
        t.append(what);
        t.append("(");
        t.append(section);
        t.append(") == ");
        t.append_hex(address);
        t.append(", \"ptgen: ");
        t.append(section);
        t.append(verb);
        t.append_hex(address);
        t.append(why);
        t.append("\");\n");
    };
    if (split) check("LOADADDR", img.base, " must be loaded at ", ", the table_base of its layout");
    check("ADDR", where.link_address, " must be linked at ",
          split ? ", its link address" : ", the table_base of its layout");
    return t;
}
template <class Image>
constexpr fixed_text<640> linker_script_fragment(const Image& img,
                                                 const char* section = ".ptgen.boot") {
    return linker_script_fragment(img, placement{img.base, section});
}

}  // namespace ptgen::boot
