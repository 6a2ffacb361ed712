/* Element-wise square roots that compile to one vector instruction per register.
 * Swift's Float.squareRoot() goes through C's sqrtf, which on Linux may set errno, so a
 * SIMD16<Float> square root became sixteen scalar square roots with a libm call beside each;
 * __builtin_elementwise_sqrt has no errno and lowers to vsqrtps (correctly rounded, the same
 * bits as the scalar one). ext_vector_type(16) float is imported by Swift as SIMD16<Float>. */
typedef float dlt_float16 __attribute__((ext_vector_type(16)));

static inline dlt_float16 dlt_sqrt16(dlt_float16 x) { return __builtin_elementwise_sqrt(x); }
