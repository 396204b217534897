// Runs Ember's kind of call sequence through JCuda against the stand-in libcuda.so.1 (run-tests.sh).
import jcuda.Pointer;
import jcuda.CudaException;
import jcuda.Sizeof;
import jcuda.driver.*;
import static jcuda.driver.JCudaDriver.*;
import java.nio.ByteOrder;
import java.nio.IntBuffer;

public class JCudaCheck {
  public static void main(String[] args) {
    JCudaDriver.setExceptionsEnabled(true);
    cuInit(0);
    CUdevice dev = new CUdevice();
    cuDeviceGet(dev, 0);
    byte[] name = new byte[256];
    cuDeviceGetName(name, name.length, dev);
    System.out.println("device: " + new String(name).trim());
    long[] total = new long[1];
    cuDeviceTotalMem(total, dev);
    int[] v = new int[1];
    cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED, dev);
    int[] ver = new int[1];
    cuDriverGetVersion(ver);
    System.out.println("total " + total[0] + " pools " + v[0] + " driver " + ver[0]);
    CUcontext ctx = new CUcontext();
    cuDevicePrimaryCtxRetain(ctx, dev);
    cuCtxSetCurrent(ctx);
    CUmodule mod = new CUmodule();
    cuModuleLoadData(mod, new byte[] {1, 2, 3, 4});
    CUfunction fill = new CUfunction();
    cuModuleGetFunction(fill, mod, "ember_test_fill");
    CUstream s = new CUstream();
    cuStreamCreate(s, CUstream_flags.CU_STREAM_NON_BLOCKING);
    int n = 1024;
    CUdeviceptr d = new CUdeviceptr();
    cuMemAllocAsync(d, n * Sizeof.INT, s);
    CUdeviceptr d2 = new CUdeviceptr();
    cuMemAllocAsync(d2, n * Sizeof.INT, s);
    Pointer pinned = new Pointer();
    cuMemHostAlloc(pinned, n * Sizeof.INT, 0);
    IntBuffer ib = pinned.getByteBuffer(0, n * Sizeof.INT).order(ByteOrder.nativeOrder()).asIntBuffer();
    int[] src = new int[n];
    for (int i = 0; i < n; i++) src[i] = 3 * i;
    cuMemcpyHtoDAsync(d, Pointer.to(src), n * Sizeof.INT, s);
    cuMemcpyDtoDAsync(d2, d, n * Sizeof.INT, s);
    cuMemsetD8Async(d2, (byte) 0, 8, s);
    cuMemcpyDtoHAsync(pinned, d2, n * Sizeof.INT, s);
    cuStreamSynchronize(s);
    boolean ok = ib.get(0) == 0 && ib.get(1) == 0 && ib.get(2) == 6 && ib.get(n - 1) == 3 * (n - 1);
    System.out.println("memcpy roundtrip " + (ok ? "ok" : "WRONG " + ib.get(2)));
    Pointer params = Pointer.to(Pointer.to(d), Pointer.to(new int[] {5}), Pointer.to(new int[] {n}));
    cuLaunchKernel(fill, n / 64, 1, 1, 64, 1, 1, 0, s, params, null);
    int[] back = new int[n];
    cuMemcpyDtoHAsync(Pointer.to(back), d, n * Sizeof.INT, s);  // pageable: synchronous
    boolean ok2 = back[0] == 5 && back[n - 1] == 5 + n - 1;
    System.out.println("kernel " + (ok2 ? "ok" : "WRONG " + back[0]));
    long[] free = new long[1], tot = new long[1];
    cuMemGetInfo(free, tot);
    System.out.println("used " + (tot[0] - free[0]));
    cuMemFreeAsync(d, s);
    cuMemFreeAsync(d2, s);
    cuStreamDestroy(s);
    cuMemFreeHost(pinned);
    cuModuleUnload(mod);
    cuDevicePrimaryCtxRelease(dev);
    try {
      cuEventElapsedTime(new float[1], new CUevent(), new CUevent());
    } catch (CudaException e) {
      System.out.println("elapsed: " + e.getMessage());
    }
    try {
      cuGraphCreate(new CUgraph(), 0);
    } catch (CudaException e) {
      System.out.println("unsupported: " + e.getMessage());
    }
    System.out.println(ok && ok2 ? "JAVA CHECK PASSED" : "JAVA CHECK FAILED");
  }
}
