// benchmarks/bench_pool.hpp: a pre-reserved frame pool for the benchmarks, so that what is
// measured is the engine and not the allocator. All memory is allocated and touched once at
// start-up. Single 4 KiB frames and naturally aligned blocks of n frames (the 16 KiB ARMv7
// root, the 16 and 64 KiB tables of AArch64's granules) are carved from it in address order;
// a freed frame or block goes to a LIFO free list of its size and is taken from there first
// (O(1) both ways). reset() gives the whole pool back between benchmarks, so that one
// benchmark's blocks never fragment the next one's. The handler is stateless, in the seed's
// style (static functions over one global pool).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <vector>

#include <sys/mman.h>

#include <ptgen/core/address.hpp>
#include <ptgen/core/handler_memory.hpp>

namespace ptgen::bench {

class frame_pool {
public:
    static constexpr std::size_t frame = 4096;
    static constexpr paddr base = 0x1000'0000;  // below 4 GiB: every format can point here
    static constexpr std::size_t max_block = 16;  // frames of the largest block (64 KiB)
    static constexpr std::size_t huge = 2 << 20;  // the host's transparent huge page

    frame_pool(std::size_t frames, bool host_huge_pages) : frames_(frames), meta_(frames) {
        // 2 MiB aligned and backed by transparent huge pages where the host allows: a kernel
        // reaches its tables through a direct map of huge pages, so random table accesses
        // should cost cache misses, not host TLB misses.
        const std::size_t bytes = (frames_ * frame + huge - 1) / huge * huge;
        memory_ = static_cast<std::byte*>(std::aligned_alloc(huge, bytes));
        if (memory_ == nullptr) throw std::bad_alloc();
        // a hint: where THP is off, 4 KiB pages
        (void)madvise(memory_, bytes, host_huge_pages ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
        std::memset(memory_, 0x5a, frames_ * frame);  // fault every page in now, not while timed
        for (std::size_t n = 1; n <= max_block; n *= 2) free_[n].reserve(frames / n);
    }
    ~frame_pool() { std::free(memory_); }
    frame_pool(const frame_pool&) = delete;
    frame_pool& operator=(const frame_pool&) = delete;

    // n frames aligned to n frames (a table's alignment is its size in every format); a block
    // asked with a smaller alignment gets the natural one, never less.
    std::optional<paddr> alloc_block(std::size_t n, std::size_t align) {
        if (n > max_block || align > n * frame || (n & (n - 1)) != 0) return std::nullopt;
        if (auto& list = free_[n]; !list.empty()) {
            const paddr pa = list.back();
            list.pop_back();
            live_ += n;
            return pa;
        }
        return carve(n);
    }
    void dealloc(paddr pa, std::size_t n) {
        live_ -= n;
        free_[n].push_back(pa);
    }
    // Everything free again (called between benchmarks): false if frames were still live, that
    // is, the previous benchmark leaked them.
    bool reset() {
        const bool clean = live_ == 0;
        for (auto& list : free_) list.clear();
        next_ = 0;
        live_ = 0;
        return clean;
    }
    std::byte* memory() const noexcept { return memory_; }
    table_meta* meta() noexcept { return meta_.data(); }
    std::size_t live_frames() const noexcept { return live_; }

private:
    std::size_t frames_;
    std::byte* memory_;
    std::size_t next_ = 0;  // first frame never handed out since the last reset
    std::array<std::vector<paddr>, max_block + 1> free_;  // by block size in frames
    std::vector<table_meta> meta_;  // one per frame: ptgen's count of a table's entries
    std::size_t live_ = 0;

    std::optional<paddr> carve(std::size_t n) {
        std::size_t f = next_;
        for (; f % n != 0; ++f) free_[1].push_back(base + f * frame);  // the gap: single frames
        if (f + n > frames_) {
            next_ = f;
            return std::nullopt;
        }
        next_ = f + n;
        live_ += n;
        return base + f * frame;
    }
};

// The one pool of the process and a copy of its host address (phys_to_virt is one add).
inline frame_pool* g_pool = nullptr;
inline std::byte* g_ram = nullptr;
inline table_meta* g_meta = nullptr;

inline void init_pool(std::size_t frames, bool host_huge_pages) {
    static frame_pool pool(frames, host_huge_pages);
    g_pool = &pool;
    g_ram = pool.memory();
    g_meta = pool.meta();
}

struct pool_handler {
    static std::optional<paddr> alloc_frame() { return g_pool->alloc_block(1, frame_pool::frame); }
    static std::optional<paddr> alloc_frames(std::size_t n, std::size_t align) {
        return g_pool->alloc_block(n, align);
    }
    static void dealloc_frame(paddr pa) { g_pool->dealloc(pa, 1); }
    static void dealloc_frames(paddr pa, std::size_t n) { g_pool->dealloc(pa, n); }
    static void* phys_to_virt(paddr pa) { return g_ram + (pa - frame_pool::base); }
    // New tables zeroed as a kernel's clear_page would (and as the seed baseline's memset).
    static void zero_frames(paddr pa, std::size_t bytes) { std::memset(phys_to_virt(pa), 0, bytes); }
    // A side array of table_meta indexed by frame, as a kernel keeps struct page (then ptgen
    // knows a table is empty without scanning it).
    static ptgen::table_meta* table_meta(paddr pa) {
        return g_meta + (pa - frame_pool::base) / frame_pool::frame;
    }
};

}  // namespace ptgen::bench
