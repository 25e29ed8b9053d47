// The version and git revision a report or dashboard names. The build defines both for the
// sextant executable; these stand in when a file is compiled on its own.
#pragma once

#ifndef SEXTANT_VERSION
#define SEXTANT_VERSION "0.1.0"
#endif
#ifndef SEXTANT_GIT_REVISION
#define SEXTANT_GIT_REVISION "unknown"
#endif
