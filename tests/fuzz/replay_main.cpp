// A main for a fuzz target without libFuzzer: runs LLVMFuzzerTestOneInput on every file named
// on the command line (directories: every file in them). tests/coverage.sh replays the
// committed corpus with it; any compiler builds it:
//   c++ -std=c++20 -Iinclude -Igenerators/include -Itests -DPTGEN_FUZZ_FORMAT=ptgen::riscv::sv39 \
//       tests/fuzz/fuzz_target.cpp tests/fuzz/replay_main.cpp -o replay_sv39
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {
std::size_t run_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    return 1;
}
}  // namespace

int main(int argc, char** argv) {
    std::size_t inputs = 0;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path arg(argv[i]);
        if (std::filesystem::is_directory(arg)) {
            for (const auto& e : std::filesystem::directory_iterator(arg))
                if (e.is_regular_file()) inputs += run_file(e.path());
        } else {
            inputs += run_file(arg);
        }
    }
    std::printf("replayed %zu inputs\n", inputs);
    return 0;
}
