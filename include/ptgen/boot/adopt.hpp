// ptgen/boot/adopt.hpp: run-time page tables that start from boot tables. New tables come
// from the handler; the boot frames are never handed to it.
#pragma once

#include <cstdint>
#include <utility>

#include "../core/handler_memory.hpp"
#include "../core/page_table.hpp"

namespace ptgen::boot {

// A page_table whose root is `root`, inside boot tables at [section_pa, section_pa + bytes).
// The TLB policy defaults to the format's native one (tlb/native.hpp). `half`: for a root of
// an image with split roots, the half it serves (image.root: low, image.high_root: high).
// `Cpus`: ptgen::many_cpus{} for tables several CPUs load at once (core/cpu_sharing.hpp).
template <page_table_format F, class Handler, class Tlb = native_tlb<F>, class Cpus = one_cpu>
page_table<F, handler_memory<Handler>, Tlb, Cpus> adopt(paddr root, paddr section_pa,
                                                        std::uint64_t section_bytes,
                                                        Handler handler, Tlb tlb = Tlb{},
                                                        root_half half = root_half::both,
                                                        Cpus = Cpus{}) {
    handler_memory<Handler> memory(std::move(handler));
    memory.set_foreign_range(section_pa, section_bytes);
    return page_table<F, handler_memory<Handler>, Tlb, Cpus>::adopt(root, std::move(memory),
                                                                    std::move(tlb), half);
}

// The tables of a built image (boot::build), at its base: the only root, or with split roots
// (AArch64 EL1, LoongArch) the low half's (adopt_image) and the high half's (adopt_image_high).
template <class Image, class Handler, class Tlb = native_tlb<typename Image::format>,
          class Cpus = one_cpu>
auto adopt_image(const Image& img, Handler handler, Tlb tlb = Tlb{}, Cpus cpus = Cpus{}) {
    using F = typename Image::format;
    return adopt<F>(img.root, img.base, img.bytes, std::move(handler), std::move(tlb),
                    F::split_roots ? root_half::low : root_half::both, cpus);
}
template <class Image, class Handler, class Tlb = native_tlb<typename Image::format>,
          class Cpus = one_cpu>
auto adopt_image_high(const Image& img, Handler handler, Tlb tlb = Tlb{}, Cpus cpus = Cpus{}) {
    using F = typename Image::format;
    static_assert(F::split_roots, "adopt_image_high: this format has one root (use adopt_image)");
    return adopt<F>(img.high_root, img.base, img.bytes, std::move(handler), std::move(tlb),
                    root_half::high, cpus);
}

}  // namespace ptgen::boot
