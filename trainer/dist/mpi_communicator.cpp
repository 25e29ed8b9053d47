// Collectives over MPI_COMM_WORLD (Open MPI from Debian), for `mpirun -np N sextant train`.
#include <mpi.h>

#include <cstdlib>
#include <vector>

#include "core/error.hpp"
#include "trainer/dist/communicator.hpp"

namespace sextant::trainer {

namespace {

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) fail("MPI: {} failed (error {})", what, rc);
}

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator() {
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (!initialised) {
      check(MPI_Init(nullptr, nullptr), "MPI_Init");
      std::atexit([] {
        int finalised = 0;
        MPI_Finalized(&finalised);
        if (!finalised) MPI_Finalize();
      });
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void allreduce_sum(float* data, std::int64_t n) override {
    for (std::int64_t done = 0; done < n; done += kChunk)
      check(MPI_Allreduce(MPI_IN_PLACE, data + done, static_cast<int>(std::min(kChunk, n - done)), MPI_FLOAT, MPI_SUM,
                          MPI_COMM_WORLD),
            "MPI_Allreduce");
  }
  void allreduce_sum(double* data, std::int64_t n) override {
    check(MPI_Allreduce(MPI_IN_PLACE, data, static_cast<int>(n), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
  }
  void allgather(float* data, const std::int64_t* offsets) override {
    std::vector<int> counts(static_cast<std::size_t>(size_)), displs(static_cast<std::size_t>(size_));
    for (int r = 0; r < size_; ++r) {
      counts[static_cast<std::size_t>(r)] = static_cast<int>(offsets[r + 1] - offsets[r]);
      displs[static_cast<std::size_t>(r)] = static_cast<int>(offsets[r]);
    }
    check(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, data, counts.data(), displs.data(), MPI_FLOAT,
                         MPI_COMM_WORLD),
          "MPI_Allgatherv");
  }
  void barrier() override { check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier"); }
  void abort(int code) override { MPI_Abort(MPI_COMM_WORLD, code); }

 private:
  // MPI counts are ints: large buffers go in pieces.
  static constexpr std::int64_t kChunk = 1 << 28;
  int rank_ = 0, size_ = 1;
};

}  // namespace

std::unique_ptr<Communicator> mpi_communicator() { return std::make_unique<MpiCommunicator>(); }

}  // namespace sextant::trainer
