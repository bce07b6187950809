// The Catch2 main of ptgen_tests; the test cases live in tests/*_test.cpp.
#define CATCH_CONFIG_MAIN
// Long test names must not wrap in --list-test-names-only: test discovery reads one name a line.
#define CATCH_CONFIG_CONSOLE_WIDTH 400
#include <catch2/catch.hpp>
