// Reference conversions of every stored tensor type to float, block by block.
#include "runtime/dequantize.hpp"

#include "runtime/half.hpp"
#include "runtime/quant_blocks.hpp"

namespace sextant::runtime {

void dequantize_f32(const void* src, float* dst, std::int64_t n) {
  const float* x = static_cast<const float*>(src);
  for (std::int64_t i = 0; i < n; ++i) dst[i] = x[i];
}

void dequantize_f16(const void* src, float* dst, std::int64_t n) {
  const std::uint16_t* x = static_cast<const std::uint16_t*>(src);
  for (std::int64_t i = 0; i < n; ++i) dst[i] = fp16_to_float(x[i]);
}

void dequantize_bf16(const void* src, float* dst, std::int64_t n) {
  const std::uint16_t* x = static_cast<const std::uint16_t*>(src);
  for (std::int64_t i = 0; i < n; ++i) dst[i] = bf16_to_float(x[i]);
}

void dequantize_q8_0(const void* src, float* dst, std::int64_t n) {
  const BlockQ8_0* b = static_cast<const BlockQ8_0*>(src);
  for (std::int64_t i = 0; i < n / kQK; ++i) {
    const float d = fp16_to_float(b[i].d);
    for (int j = 0; j < kQK; ++j) dst[i * kQK + j] = d * b[i].qs[j];
  }
}

void dequantize_q8_1(const void* src, float* dst, std::int64_t n) {
  const BlockQ8_1* b = static_cast<const BlockQ8_1*>(src);
  for (std::int64_t i = 0; i < n / kQK; ++i) {
    const float d = fp16_to_float(b[i].d);
    for (int j = 0; j < kQK; ++j) dst[i * kQK + j] = d * b[i].qs[j];
  }
}

void dequantize_q4_0(const void* src, float* dst, std::int64_t n) {
  const BlockQ4_0* b = static_cast<const BlockQ4_0*>(src);
  for (std::int64_t i = 0; i < n / kQK; ++i) {
    const float d = fp16_to_float(b[i].d);
    float* y = dst + i * kQK;
    for (int j = 0; j < kQK / 2; ++j) {
      y[j] = d * ((b[i].qs[j] & 0x0f) - 8);
      y[j + kQK / 2] = d * ((b[i].qs[j] >> 4) - 8);
    }
  }
}

void dequantize_q4_1(const void* src, float* dst, std::int64_t n) {
  const BlockQ4_1* b = static_cast<const BlockQ4_1*>(src);
  for (std::int64_t i = 0; i < n / kQK; ++i) {
    const float d = fp16_to_float(b[i].d);
    const float m = fp16_to_float(b[i].m);
    float* y = dst + i * kQK;
    for (int j = 0; j < kQK / 2; ++j) {
      y[j] = d * (b[i].qs[j] & 0x0f) + m;
      y[j + kQK / 2] = d * (b[i].qs[j] >> 4) + m;
    }
  }
}

// The 6-bit scale and min of sub-block j, packed into 12 bytes for 8 sub-blocks.
void k_scale_min(int j, const std::uint8_t* s, std::uint8_t& scale, std::uint8_t& min) {
  if (j < 4) {
    scale = s[j] & 63;
    min = s[j + 4] & 63;
  } else {
    scale = static_cast<std::uint8_t>((s[j + 4] & 0x0f) | ((s[j - 4] >> 6) << 4));
    min = static_cast<std::uint8_t>((s[j + 4] >> 4) | ((s[j] >> 6) << 4));
  }
}

void dequantize_q4_k(const void* src, float* dst, std::int64_t n) {
  const BlockQ4_K* b = static_cast<const BlockQ4_K*>(src);
  for (std::int64_t i = 0; i < n / kQKK; ++i) {
    const float d = fp16_to_float(b[i].d);
    const float dmin = fp16_to_float(b[i].dmin);
    const std::uint8_t* q = b[i].qs;
    float* y = dst + i * kQKK;
    for (int j = 0, is = 0; j < kQKK; j += 64, is += 2) {
      std::uint8_t sc, m;
      k_scale_min(is, b[i].scales, sc, m);
      const float d1 = d * sc, m1 = dmin * m;
      k_scale_min(is + 1, b[i].scales, sc, m);
      const float d2 = d * sc, m2 = dmin * m;
      for (int l = 0; l < 32; ++l) *y++ = d1 * (q[l] & 0x0f) - m1;
      for (int l = 0; l < 32; ++l) *y++ = d2 * (q[l] >> 4) - m2;
      q += 32;
    }
  }
}

void dequantize_q5_k(const void* src, float* dst, std::int64_t n) {
  const BlockQ5_K* b = static_cast<const BlockQ5_K*>(src);
  for (std::int64_t i = 0; i < n / kQKK; ++i) {
    const float d = fp16_to_float(b[i].d);
    const float dmin = fp16_to_float(b[i].dmin);
    const std::uint8_t* ql = b[i].qs;
    const std::uint8_t* qh = b[i].qh;
    float* y = dst + i * kQKK;
    std::uint8_t u1 = 1, u2 = 2;
    for (int j = 0, is = 0; j < kQKK; j += 64, is += 2) {
      std::uint8_t sc, m;
      k_scale_min(is, b[i].scales, sc, m);
      const float d1 = d * sc, m1 = dmin * m;
      k_scale_min(is + 1, b[i].scales, sc, m);
      const float d2 = d * sc, m2 = dmin * m;
      for (int l = 0; l < 32; ++l) *y++ = d1 * ((ql[l] & 0x0f) + (qh[l] & u1 ? 16 : 0)) - m1;
      for (int l = 0; l < 32; ++l) *y++ = d2 * ((ql[l] >> 4) + (qh[l] & u2 ? 16 : 0)) - m2;
      ql += 32;
      u1 = static_cast<std::uint8_t>(u1 << 2);
      u2 = static_cast<std::uint8_t>(u2 << 2);
    }
  }
}

void dequantize_q6_k(const void* src, float* dst, std::int64_t n) {
  const BlockQ6_K* b = static_cast<const BlockQ6_K*>(src);
  for (std::int64_t i = 0; i < n / kQKK; ++i) {
    const float d = fp16_to_float(b[i].d);
    const std::uint8_t* ql = b[i].ql;
    const std::uint8_t* qh = b[i].qh;
    const std::int8_t* sc = b[i].scales;
    float* y = dst + i * kQKK;
    for (int half = 0; half < 2; ++half) {
      for (int l = 0; l < 32; ++l) {
        const int is = l / 16;
        const int q1 = ((ql[l] & 0x0f) | (((qh[l] >> 0) & 3) << 4)) - 32;
        const int q2 = ((ql[l + 32] & 0x0f) | (((qh[l] >> 2) & 3) << 4)) - 32;
        const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
        y[l] = d * sc[is] * q1;
        y[l + 32] = d * sc[is + 2] * q2;
        y[l + 64] = d * sc[is + 4] * q3;
        y[l + 96] = d * sc[is + 6] * q4;
      }
      y += 128;
      ql += 64;
      qh += 32;
      sc += 8;
    }
  }
}

void dequantize_q8_k(const void* src, float* dst, std::int64_t n) {
  const BlockQ8_K* b = static_cast<const BlockQ8_K*>(src);
  for (std::int64_t i = 0; i < n / kQKK; ++i)
    for (int j = 0; j < kQKK; ++j) dst[i * kQKK + j] = b[i].d * b[i].qs[j];
}

}  // namespace sextant::runtime
