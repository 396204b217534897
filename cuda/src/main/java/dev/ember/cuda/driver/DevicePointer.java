package dev.ember.cuda.driver;

import jcuda.driver.CUdeviceptr;

/**
 * A {@link CUdeviceptr} to or from a raw device address. JCuda passes a device pointer to the driver
 * as its native value plus its byte offset, and CUdeviceptr has no constructor taking an address, so
 * a raw address is expressed as the offset from a null pointer. Pointers the driver fills in
 * ({@code cuMemAllocFromPoolAsync}) are read back with {@link #address()}.
 */
final class DevicePointer extends CUdeviceptr {
    private static final CUdeviceptr NULL = new CUdeviceptr();

    /** An empty pointer for the driver to fill in. */
    DevicePointer() {}

    private DevicePointer(long address) {
        super(NULL, address);
    }

    static DevicePointer at(long address) {
        return new DevicePointer(address);
    }

    long address() {
        return getNativePointer() + getByteOffset();
    }
}
