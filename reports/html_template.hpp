// The page the HTML report fills in: markup, style and script in one template (html_template.cpp),
// with one marker where the report's JSON goes.
#pragma once

#include <string_view>

namespace sextant::reports {

// Stands inside <script type="application/json" id="sextant-data">, once.
inline constexpr std::string_view kHtmlDataMarker = "@SEXTANT_DATA@";

std::string_view html_template();

}  // namespace sextant::reports
