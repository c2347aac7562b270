/*
 * Faults per first write to a fresh page of a userfaultfd-registered anonymous range, three ways: not registered;
 * registered with its holes left unarmed (what dirtypages does since it arms only pages that hold data); and with
 * every hole armed by a PTE marker (UFFDIO_WRITEPROTECT over the whole range, what arming with WP_UNPOPULATED does).
 * The marker makes the first write fault twice (populate, then the write-protect fault); the unarmed hole once.
 * Prints microseconds and minor faults per page, three rounds.
 *
 *   gcc -O2 -Wall -o fresh-page-faults benchmarks/src/main/c/fresh-page-faults.c && ./fresh-page-faults
 *
 * The constants are the uapi's (include/uapi/linux/userfaultfd.h), defined here: the machine's headers are older.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
typedef uint64_t u64;
struct uffdio_api { u64 api, features, ioctls; };
struct uffdio_range { u64 start, len; };
struct uffdio_register { struct uffdio_range range; u64 mode; u64 ioctls; };
struct uffdio_writeprotect { struct uffdio_range range; u64 mode; };
#define UFFDIO_API 0xc018aa3f
#define UFFDIO_REGISTER 0xc020aa00
#define UFFDIO_WRITEPROTECT 0xc018aa06
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e9+t.tv_nsec;}
static long minflt(){ FILE*f=fopen("/proc/self/stat","r"); long v=0; char b[4096]; fread(b,1,4095,f); fclose(f); char*p=strrchr(b,')'); int field=2; for(char*q=p;*q;q++){ if(*q==' '){field++; if(field==10){ sscanf(q+1,"%ld",&v); break;}}} return v;}
int main(void){
  size_t pages=65536, len=pages*4096;
  for (int round=0; round<3; round++) for (int mode=0; mode<3; mode++) {
    char*a=mmap(0,len,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0); madvise(a,len,MADV_NOHUGEPAGE);
    int fd=-1;
    if (mode>0){ fd=syscall(323,O_CLOEXEC|O_NONBLOCK|1); struct uffdio_api api={0xaa,(1<<15)|(1<<13),0}; ioctl(fd,UFFDIO_API,&api);
      struct uffdio_register r={{(u64)a,len},2,0}; ioctl(fd,UFFDIO_REGISTER,&r);
      if (mode==2){ struct uffdio_writeprotect w={{(u64)a,len},1}; ioctl(fd,UFFDIO_WRITEPROTECT,&w);} }
    long f0=minflt(); double t0=now();
    for(size_t i=0;i<pages;i++) a[i*4096]=1;
    double t1=now(); long f1=minflt();
    printf("%s: %.2f us/page, %.2f faults/page\n", mode==0?"no uffd      ":mode==1?"hole unarmed ":"hole+marker  ", (t1-t0)/1e3/pages, (double)(f1-f0)/pages);
    munmap(a,len); if(fd>=0) close(fd);
  }
}
