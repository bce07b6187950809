// benchmarks/bench_pool.hpp: a pre-reserved frame pool for the benchmarks, so that what is
// measured is the engine and not the allocator. All frames are allocated and touched once at
// start-up; single frames come from a LIFO free list (O(1)), multi-frame blocks (roots larger
// than a frame, e.g. the 16 KiB ARMv7 root) from a small aligned area with a bitmap. The
// handler is stateless, in the seed's style (static functions over one global pool).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <vector>

#include <ptgen/core/address.hpp>
#include <ptgen/core/handler_memory.hpp>

namespace ptgen::bench {

class frame_pool {
public:
    static constexpr std::size_t frame = 4096;
    static constexpr paddr base = 0x1000'0000;    // below 4 GiB: every format can point here
    static constexpr std::size_t block_frames = 64;  // area for multi-frame tables (roots)

    explicit frame_pool(std::size_t frames)
        : frames_(frames + block_frames), used_(block_frames), meta_(frames_) {
        memory_ = static_cast<std::byte*>(std::aligned_alloc(64 * 1024, frames_ * frame));
        if (memory_ == nullptr) throw std::bad_alloc();
        std::memset(memory_, 0x5a, frames_ * frame);  // fault every page in now, not while timed
        free_.reserve(frames);
        for (std::size_t f = frames_; f-- > block_frames;) free_.push_back(base + f * frame);
    }
    ~frame_pool() { std::free(memory_); }
    frame_pool(const frame_pool&) = delete;
    frame_pool& operator=(const frame_pool&) = delete;

    std::optional<paddr> alloc_one() {
        if (free_.empty()) return std::nullopt;
        const paddr pa = free_.back();
        free_.pop_back();
        ++live_;
        return pa;
    }
    std::optional<paddr> alloc_block(std::size_t n, std::size_t align) {
        const std::size_t step = align > frame ? align / frame : 1;
        for (std::size_t f = 0; f + n <= block_frames; f += step) {
            bool free = true;
            for (std::size_t k = 0; k < n && free; ++k) free = !used_[f + k];
            if (!free) continue;
            for (std::size_t k = 0; k < n; ++k) used_[f + k] = true;
            live_ += n;
            return base + f * frame;
        }
        return std::nullopt;
    }
    void dealloc(paddr pa, std::size_t n) {
        const std::size_t f = std::size_t(pa - base) / frame;
        live_ -= n;
        if (f < block_frames) {
            for (std::size_t k = 0; k < n; ++k) used_[f + k] = false;
        } else {
            for (std::size_t k = 0; k < n; ++k) free_.push_back(pa + k * frame);
        }
    }
    std::byte* memory() const noexcept { return memory_; }
    table_meta* meta() noexcept { return meta_.data(); }
    std::size_t live_frames() const noexcept { return live_; }
    std::size_t capacity() const noexcept { return frames_ - block_frames; }

private:
    std::size_t frames_;
    std::byte* memory_;
    std::vector<paddr> free_;
    std::vector<bool> used_;
    std::vector<table_meta> meta_;  // one per frame: ptgen's count of a table's entries
    std::size_t live_ = 0;
};

// The one pool of the process and a copy of its host address (phys_to_virt is one add).
inline frame_pool* g_pool = nullptr;
inline std::byte* g_ram = nullptr;
inline table_meta* g_meta = nullptr;

inline void init_pool(std::size_t frames) {
    static frame_pool pool(frames);
    g_pool = &pool;
    g_ram = pool.memory();
    g_meta = pool.meta();
}

struct pool_handler {
    static std::optional<paddr> alloc_frame() { return g_pool->alloc_one(); }
    static std::optional<paddr> alloc_frames(std::size_t n, std::size_t align) {
        if (n == 1 && align <= frame_pool::frame) return g_pool->alloc_one();
        return g_pool->alloc_block(n, align);
    }
    static void dealloc_frame(paddr pa) { g_pool->dealloc(pa, 1); }
    static void dealloc_frames(paddr pa, std::size_t n) { g_pool->dealloc(pa, n); }
    static void* phys_to_virt(paddr pa) { return g_ram + (pa - frame_pool::base); }
    // A side array of table_meta indexed by frame, as a kernel keeps struct page (then ptgen
    // knows a table is empty without scanning it).
    static ptgen::table_meta* table_meta(paddr pa) {
        return g_meta + (pa - frame_pool::base) / frame_pool::frame;
    }
};

}  // namespace ptgen::bench
