// The Catch2 main of ptgen_tests; the test cases live in tests/*_test.cpp.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
