package io.kairos.exception;

/**
 * Python code run by a Python worker raised an exception: this carries its Python type (e.g. {@code ValueError}, or
 * {@code ModuleNotFoundError} for a task whose module is missing), its message and its traceback as Python printed
 * it. A task's get throws {@link TaskFailedException} with this as its cause.
 */
public class PythonException extends KairosException {
    private static final long serialVersionUID = 1L;

    /** The Python exception's class (serialized with the exception). */
    private final String pythonType;
    /** {@code str(exception)} (serialized with the exception). */
    private final String pythonMessage;
    /** The formatted traceback (serialized with the exception). */
    private final String traceback;

    /**
     * Creates the exception; its message is {@code <type>: <message>} followed by the traceback.
     *
     * @param pythonType    the exception's Python class, qualified by its module unless a builtin
     * @param pythonMessage {@code str(exception)}
     * @param traceback     the formatted traceback (may be empty)
     */
    public PythonException(final String pythonType, final String pythonMessage, final String traceback) {
        super(pythonType + ": " + pythonMessage + (traceback.isEmpty() ? "" : "\n" + traceback.stripTrailing()));
        this.pythonType = pythonType;
        this.pythonMessage = pythonMessage;
        this.traceback = traceback;
    }

    /**
     * The Python exception's class.
     *
     * @return e.g. "ValueError" or "mypkg.errors.BadInput"
     */
    public String pythonType() {
        return pythonType;
    }

    /**
     * The Python exception's message.
     *
     * @return {@code str(exception)}
     */
    public String pythonMessage() {
        return pythonMessage;
    }

    /**
     * Where it was raised, as Python prints it.
     *
     * @return the formatted traceback
     */
    public String traceback() {
        return traceback;
    }
}
