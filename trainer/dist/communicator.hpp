// The collectives data-parallel training needs, behind one interface: one process, or MPI ranks.
#pragma once

#include <cstdint>
#include <memory>

namespace sextant::trainer {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // data[i] = the sum over ranks of data[i], on every rank.
  virtual void allreduce_sum(float* data, std::int64_t n) = 0;
  virtual void allreduce_sum(double* data, std::int64_t n) = 0;
  // Rank r's block data[offsets[r], offsets[r + 1]) goes to every rank.
  virtual void allgather(float* data, const std::int64_t* offsets) = 0;
  virtual void barrier() = 0;
  // Ends every rank of the job with `code` (after an error on one of them, which the others
  // would otherwise wait for forever in their next collective). Local: does nothing.
  virtual void abort(int code) = 0;
};

// A single process: every collective is the identity.
std::unique_ptr<Communicator> local_communicator();

// MPI_COMM_WORLD when the program runs under mpirun (and was built with MPI), else the local
// one. The first call initialises MPI; MPI is finalised at exit.
std::unique_ptr<Communicator> world_communicator();

// Whether this build can run data-parallel over MPI.
bool mpi_available();

}  // namespace sextant::trainer
