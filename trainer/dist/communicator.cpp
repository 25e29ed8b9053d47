// The single-process communicator and the choice of the world's.
#include "trainer/dist/communicator.hpp"

#include <cstdlib>

namespace sextant::trainer {

namespace {

class LocalCommunicator final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void allreduce_sum(float*, std::int64_t) override {}
  void allreduce_sum(double*, std::int64_t) override {}
  void allgather(float*, const std::int64_t*) override {}
  void barrier() override {}
  void abort(int) override {}
};

}  // namespace

std::unique_ptr<Communicator> local_communicator() { return std::make_unique<LocalCommunicator>(); }

#ifdef SEXTANT_HAVE_MPI
std::unique_ptr<Communicator> mpi_communicator();  // mpi_communicator.cpp
bool mpi_available() { return true; }
#else
bool mpi_available() { return false; }
#endif

std::unique_ptr<Communicator> world_communicator() {
#ifdef SEXTANT_HAVE_MPI
  // Launched by mpirun (Open MPI or MPICH set these): join the world.
  if (std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMI_SIZE")) return mpi_communicator();
#endif
  return local_communicator();
}

}  // namespace sextant::trainer
