// The lookups moved beneath the engine, which needs them too (core/lookup.hpp); this name
// stays for the code above the commands that still includes it here.
#pragma once

#include "core/lookup.hpp"
