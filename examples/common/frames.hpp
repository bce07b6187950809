// examples/common/frames.hpp: a bitmap frame allocator over a range of RAM, and the ptgen
// handler that hands its frames to page tables. The kernels run identity-mapped, so a frame's
// physical address is also where the kernel reaches it.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ptgen/ptgen.hpp>

namespace kernel {

class frame_pool {
public:
    // 128 MiB of 4 KiB frames, unless the kernel's build says more (-DPTGEN_KERNEL_MAX_FRAMES).
#if defined(PTGEN_KERNEL_MAX_FRAMES)
    static constexpr std::size_t max_frames = PTGEN_KERNEL_MAX_FRAMES;
#else
    static constexpr std::size_t max_frames = 32768;
#endif
    static constexpr std::uint64_t frame = 4096;

    constexpr frame_pool() = default;

    void init(ptgen::paddr base, ptgen::paddr end) {
        base_ = base;
        count_ = std::size_t((end - base) >> 12);
        if (count_ > max_frames) count_ = max_frames;
        for (auto& w : used_) w = 0;
        live_ = 0;
    }

    // n contiguous frames whose address is a multiple of align.
    ptgen::result<ptgen::paddr> alloc(std::size_t n, std::uint64_t align) {
        if (align < frame) align = frame;  // a power of two: no division (no libgcc on 32-bit)
        for (std::size_t f = 0; f + n <= count_;) {
            const ptgen::paddr pa = base_ + f * frame;
            if ((pa & (align - 1)) != 0) {
                f = std::size_t((((pa + align - 1) & ~(align - 1)) - base_) >> 12);
                continue;
            }
            std::size_t k = 0;
            while (k < n && !used(f + k)) ++k;
            if (k < n) {
                f += k + 1;
                continue;
            }
            for (k = 0; k < n; ++k) set(f + k, true);
            live_ += n;
            return pa;
        }
        return ptgen::fail(ptgen::error::no_memory);
    }
    void free(ptgen::paddr pa, std::size_t n) {
        const std::size_t f = std::size_t((pa - base_) >> 12);
        for (std::size_t k = 0; k < n; ++k) set(f + k, false);
        live_ -= n;
    }
    // Frames handed out and not freed.
    std::size_t live() const { return live_; }
    // The bookkeeping ptgen keeps for the table in frame pa (its count of non-zero entries).
    ptgen::table_meta* meta(ptgen::paddr pa) {
        const std::size_t f = std::size_t((pa - base_) >> 12);
        return f < count_ ? &meta_[f] : nullptr;
    }

private:
    bool used(std::size_t f) const { return (used_[f / 64] >> (f % 64)) & 1; }
    void set(std::size_t f, bool v) {
        if (v) used_[f / 64] |= std::uint64_t{1} << (f % 64);
        else used_[f / 64] &= ~(std::uint64_t{1} << (f % 64));
    }

    ptgen::paddr base_ = 0;
    std::size_t count_ = 0;
    std::size_t live_ = 0;
    std::uint64_t used_[max_frames / 64]{};
    ptgen::table_meta meta_[max_frames]{};  // 4 bytes per frame: 128 KiB beside 128 MiB
};

// The seed's PagingHandler over a frame_pool (a small handle: page tables copy it).
struct frame_handler {
    frame_pool* pool;
    ptgen::result<ptgen::paddr> alloc_frame() { return pool->alloc(1, 4096); }
    ptgen::result<ptgen::paddr> alloc_frames(std::size_t n, std::size_t align) {
        return pool->alloc(n, align);
    }
    void dealloc_frame(ptgen::paddr pa) { pool->free(pa, 1); }
    void dealloc_frames(ptgen::paddr pa, std::size_t n) { pool->free(pa, n); }
    void* phys_to_virt(ptgen::paddr pa) { return reinterpret_cast<void*>(std::uintptr_t(pa)); }
    // Room for ptgen's count of a table's entries (reclaiming an emptied table without a scan).
    ptgen::table_meta* table_meta(ptgen::paddr pa) { return pool->meta(pa); }
};

}  // namespace kernel
