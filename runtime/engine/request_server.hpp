// What answers the harness's three request kinds: the in-process engine, or the same engine
// shared by several worker threads (and later an HTTP endpoint).
#pragma once

#include <vector>

#include "runtime/engine/requests.hpp"
#include "runtime/model/model.hpp"

namespace sextant::runtime {

class RequestServer {
 public:
  virtual ~RequestServer() = default;
  virtual const Model& model() const = 0;
  // Results in request order; a request's result does not depend on the other requests.
  virtual std::vector<ScoreResult> score(const std::vector<ScoreRequest>& requests) = 0;
  virtual std::vector<RollingResult> rolling(const std::vector<RollingRequest>& requests) = 0;
  virtual std::vector<GenerateResult> generate(const std::vector<GenerateRequest>& requests) = 0;
};

}  // namespace sextant::runtime
