// ptgen/boot.hpp: compile-time boot tables (layout, build, verify, relocate, section, adopt).
#pragma once

#include "boot/adopt.hpp"
#include "boot/build.hpp"
#include "boot/layout.hpp"
#include "boot/relocate.hpp"
#include "boot/section.hpp"
#include "boot/verify.hpp"
#include "ptgen.hpp"
