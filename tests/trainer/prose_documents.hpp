// Documents of plain prose for the data-pipeline tests, built from small word lists.
#pragma once

#include <string>
#include <vector>

namespace sextant::testing {

// Sentences of plain prose, built from small word lists so that train and test share a style, not texts.
inline std::vector<std::string> prose(int count, int offset) {
  const char* subjects[] = {"The old farmer", "A young teacher", "The river",         "Her brother",
                            "The council",    "My neighbour",    "The small village", "The ship's captain"};
  const char* verbs[] = {"walked slowly towards",     "spoke quietly about",     "remembered", "looked across",
                         "wrote a long letter about", "thought carefully about", "returned to"};
  const char* objects[] = {"the distant hills",       "the harvest of that year", "the bridge over the water",
                           "the history of the town", "the evening light",        "the lessons of his father"};
  std::vector<std::string> out;
  for (int i = offset; i < offset + count; ++i) {
    std::string doc;
    for (int s = 0; s < 4; ++s) {
      const int k = i * 7 + s * 3;
      doc += std::string(subjects[k % 8]) + " " + verbs[(k / 8) % 7] + " " + objects[(k / 3) % 6] +
             ", and nobody in the house said a word until morning. ";
    }
    out.push_back(doc);
  }
  return out;
}

}  // namespace sextant::testing
