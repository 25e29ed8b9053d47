// The current time as ISO 8601 UTC text, the form every store row and report carries.
#pragma once

#include <string>

namespace sextant {

// "2026-11-30T09:25:57Z"; with milliseconds "2026-11-30T09:25:57.123Z", so that a reader can
// tell a rate from two rows written within a second.
std::string utc_timestamp(bool milliseconds = false);

}  // namespace sextant
