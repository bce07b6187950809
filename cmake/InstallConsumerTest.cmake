# Install ptgen from a build tree into a scratch prefix, then configure, build and
# run a separate project that finds it with find_package(ptgen CONFIG REQUIRED).
#
# cmake -DBUILD_DIR=<ptgen build> -DPREFIX=<scratch prefix> -DWORK_DIR=<scratch build>
#       -DCONSUMER_DIR=<tests/consumer> -DCXX=<compiler> -DGENERATOR=<generator>
#       [-DMAKE_PROGRAM=<ninja>] [-DCONFIG=<build type>] [-DEXPECTED_VERSION=<x.y.z>]
#       -P InstallConsumerTest.cmake

foreach(var BUILD_DIR PREFIX WORK_DIR CONSUMER_DIR CXX GENERATOR)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "InstallConsumerTest.cmake: -D${var}=... is required")
    endif()
endforeach()
if(NOT CONFIG)
    set(CONFIG Release)
endif()

include("${CMAKE_CURRENT_LIST_DIR}/PtgenTestStep.cmake")
macro(step what)
    ptgen_test_step(install.find_package "${what}" ${ARGN})
endmacro()

file(REMOVE_RECURSE "${WORK_DIR}")
ptgen_test_install(install.find_package "${BUILD_DIR}" "${PREFIX}" "${CONFIG}"
    include/ptgen/ptgen.hpp share/cmake/ptgen/ptgenConfig.cmake
    share/cmake/ptgen/ptgenConfigVersion.cmake share/cmake/ptgen/ptgenTargets.cmake)
set(make_program "${ptgen_test_make_program}")

step("configure the consumer project"
    "${CMAKE_COMMAND}" -S "${CONSUMER_DIR}" -B "${WORK_DIR}" -G "${GENERATOR}" ${make_program}
        "-DCMAKE_CXX_COMPILER=${CXX}"
        "-DCMAKE_BUILD_TYPE=${CONFIG}"
        "-DCMAKE_PREFIX_PATH=${PREFIX}"
        "-DPTGEN_EXPECTED_VERSION=${EXPECTED_VERSION}"
        # Only the scratch prefix may provide ptgen: not the package registry, not /usr/local.
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
        -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
        "-Dptgen_ROOT=${PREFIX}")

step("build the consumer project"
    "${CMAKE_COMMAND}" --build "${WORK_DIR}" --config "${CONFIG}")

set(exe "${WORK_DIR}/ptgen_consumer")
if(NOT EXISTS "${exe}")
    set(exe "${WORK_DIR}/${CONFIG}/ptgen_consumer")   # multi-config generators
endif()
step("run the consumer" "${exe}")
