// ptgen/tlb/no_tlb.hpp: the TLB policy for hosts and compile time (defined in core/, where
// page_table's default needs it; this header stays for the include path users know).
#pragma once

#include "../core/tlb_policy.hpp"
