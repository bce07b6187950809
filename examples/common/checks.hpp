// examples/common/checks.hpp: one line per check, a tally, and the verdict lines CTest and
// examples/run-demo.sh read.
#pragma once

#include <cstdint>

#include "console.hpp"

namespace kernel {

class tally {
public:
    bool check(bool ok, const char* what) {
        ++total_;
        if (ok) ++passed_;
        print(ok ? "[PASS] " : "[FAIL] ");
        println(what);
        return ok;
    }
    // A check the platform cannot run, with the reason; counted apart, never as passed.
    void skip(const char* what, const char* why) {
        ++skipped_;
        print("[SKIP] ");
        print(what);
        print(": ");
        println(why);
    }
    unsigned passed() const { return passed_; }
    unsigned skipped() const { return skipped_; }
    unsigned total() const { return total_; }
    bool all_passed() const { return passed_ == total_; }

private:
    unsigned passed_ = 0;
    unsigned total_ = 0;
    unsigned skipped_ = 0;
};

}  // namespace kernel
