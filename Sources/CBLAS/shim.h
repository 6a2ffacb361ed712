#include <cblas.h>
// OpenBLAS's thread control; declared here so Swift sees it even when cblas.h omits it.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
