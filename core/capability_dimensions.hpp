// The five capability dimensions of OpenCompass's grouping, in the order tables show them.
#pragma once

namespace sextant {

inline constexpr const char* kCapabilityDimensions[] = {"Exam", "Language", "Knowledge", "Understanding", "Reasoning"};

}  // namespace sextant
