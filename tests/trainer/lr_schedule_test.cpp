// The learning-rate schedule: 2.5% linear warm-up to the peak, cosine decay to 10% of it.
#include <catch2/catch.hpp>

#include "trainer/optim/lr_schedule.hpp"

using sextant::trainer::LrSchedule;

TEST_CASE("lr schedule warms up linearly, then decays by a cosine to a tenth of the peak", "[trainer][optim]") {
  LrSchedule s;
  s.peak = 1e-3;
  s.total_steps = 400;
  REQUIRE(s.warmup_steps() == 10);
  CHECK(s.at(0) == Approx(1e-4));
  CHECK(s.at(4) == Approx(5e-4));
  CHECK(s.at(9) == Approx(1e-3));
  CHECK(s.at(10) == Approx(1e-3));
  // Halfway through the decay the cosine is at the middle of peak and floor.
  CHECK(s.at(10 + 195) == Approx(0.55e-3));
  CHECK(s.at(399) == Approx(1e-4).epsilon(1e-3));
  CHECK(s.at(10'000) == Approx(1e-4));
  for (std::int64_t i = 10; i + 1 < 400; ++i) CHECK(s.at(i + 1) <= s.at(i));
}

TEST_CASE("lr schedule of a one-step stage is the peak", "[trainer][optim]") {
  LrSchedule s;
  s.peak = 3e-4;
  s.total_steps = 1;
  CHECK(s.at(0) == Approx(3e-4));
}
