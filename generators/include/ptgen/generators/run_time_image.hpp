// ptgen/generators/run_time_image.hpp: a boot image built at host run time from a layout known
// only then (a layout file), by the engine and the same sizing and mapping passes as
// boot::build<L>(): the tables are byte for byte those the compiler would emit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <ptgen/boot/build.hpp>
#include <ptgen/core/static_arena.hpp>

namespace ptgen::generators {

// Arena storage sized at run time (the arena's logic is static_arena's).
template <page_table_format F>
struct vector_storage {
    using entry = typename F::entry_type;
    std::vector<bool> used;
    std::vector<entry> entries;
    explicit vector_storage(std::size_t bytes = 0)
        : used(bytes / arena_unit_bytes<F>), entries(bytes / sizeof(entry)) {}
    std::size_t unit_count() const noexcept { return used.size(); }
};

template <page_table_format F>
struct run_time_image {
    using format = F;
    using entry = typename F::entry_type;
    static constexpr std::size_t alignment = F::levels[0].table_align;
    paddr base = 0;
    paddr root = 0;
    paddr high_root = 0;
    std::vector<entry> tables;

    auto registers() const noexcept { return F::boot_registers(root, high_root); }
    std::size_t bytes() const noexcept { return tables.size() * sizeof(entry); }
};

// The image of a layout that obeys every rule (check with boot::first_violation first);
// false when a region could not be mapped (which the rules exclude).
template <page_table_format F>
bool build_image(const boot::layout<F>& l, run_time_image<F>& out) {
    if (boot::first_violation(l)) return false;
    const std::size_t bytes = boot::table_bytes_of(l);
    basic_arena<F, vector_storage<F>> arena(l.table_base, vector_storage<F>(bytes));
    out.base = l.table_base;
    if (!boot::map_layout(l, arena, out.root, out.high_root)) return false;
    if (arena.high_water_bytes() != bytes) return false;
    out.tables = arena.storage();
    return true;
}

}  // namespace ptgen::generators
