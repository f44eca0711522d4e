using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Testing.Async;
using ComfySharp.Nodes.Testing.FlowControl;
using ComfySharp.Nodes.Testing.Lists;
using ComfySharp.Nodes.Testing.Logic;
using ComfySharp.Nodes.Testing.Specific;
using ComfySharp.Nodes.Testing.Stubs;

namespace ComfySharp.Nodes.Testing;

/// <summary>
/// Equivalents of ComfyUI's execution test node pack (<c>tests/execution/testing_nodes/testing-pack</c>), which the conformance
/// tests drive: same class names, inputs, outputs and hooks.
/// </summary>
public static class TestingNodes
{
    /// <summary>Registers every node of the test pack, in the order of ComfyUI's <c>NODE_CLASS_MAPPINGS</c>.</summary>
    public static NodeRegistry AddTestingNodes(this NodeRegistry registry)
    {
        // specific_tests.py
        registry.Add<TestLazyMixImages>().Add<TestVariadicAverage>().Add<TestCustomIsChanged>().Add<TestIsChangedWithConstants>()
            .Add<TestCustomValidation1>().Add<TestCustomValidation2>().Add<TestCustomValidation3>().Add<TestCustomValidation4>()
            .Add<TestCustomValidation5>().Add<TestDynamicDependencyCycle>().Add<TestMixedExpansionReturns>().Add<TestSamplingInExpansion>()
            .Add<TestSleep>().Add<TestParallelSleep>().Add<TestOutputNodeWithSocketOutput>();
        // flow_control.py
        registry.Add<TestWhileLoopOpen>().Add<TestWhileLoopClose>().Add<TestExecutionBlocker>();
        // util.py
        registry.Add<TestAccumulateNode>().Add<TestAccumulationHeadNode>().Add<TestAccumulationTailNode>().Add<TestAccumulationToListNode>()
            .Add<TestListToAccumulationNode>().Add<TestAccumulationGetLengthNode>().Add<TestAccumulationGetItemNode>()
            .Add<TestAccumulationSetItemNode>().Add<TestForLoopOpen>().Add<TestForLoopClose>().Add<TestIntMathOperation>().Add<TestMakeListNode>();
        // conditions.py
        registry.Add<TestIntConditions>().Add<TestFloatConditions>().Add<TestStringConditions>().Add<TestToBoolNode>().Add<TestBoolOperationNode>();
        // stubs.py
        registry.Add<StubImage>().Add<StubConstantImage>().Add<StubMask>().Add<StubInt>().Add<StubFloat>();
        // async_test_nodes.py
        registry.Add<TestAsyncValidation>().Add<TestAsyncError>().Add<TestAsyncValidationError>().Add<TestAsyncTimeout>().Add<TestSyncError>()
            .Add<TestAsyncLazyCheck>().Add<TestDynamicAsyncGeneration>().Add<TestAsyncResourceUser>().Add<TestAsyncBatchProcessing>()
            .Add<TestAsyncConcurrentLimit>();
        // api_test_nodes.py
        registry.Add<TestAsyncProgressUpdate>().Add<TestSyncProgressUpdate>();
        return registry;
    }
}
